import { describe, expect, test } from 'vitest';
import { compileJavaRegex, translateJavaRegex } from '../../../src/manifest/index.js';

function matches(java: string, input: string): boolean {
  return compileJavaRegex(java).test(input);
}

describe('Java regular expressions of `ignore`', () => {
  test.each([
    ['.*~$', 'docs/draft.txt~', true],
    ['\\.psd$', 'art/cover.psd', true],
    ['\\.psd$', 'art/cover.psd.bak', false],
    ['^backup/', 'backup/2014/a.txt', true],
    ['^backup/', 'old/backup/a.txt', false],
  ])('the reference examples: %s on %s -> %s', (java, input, expected) => {
    expect(matches(java, input)).toBe(expected);
  });

  test('possessive quantifiers never give back what they matched', () => {
    expect(matches('^a*+a', 'aaa')).toBe(false);
    expect(matches('^a*a', 'aaa')).toBe(true);
    expect(matches('^[^/]++/x$', 'abc/x')).toBe(true);
    expect(matches('^a{1,3}+a$', 'aaa')).toBe(false);
    expect(matches('^a{1,3}a$', 'aaa')).toBe(true);
    expect(matches('^a?+b', 'ab')).toBe(true);
  });

  test('lazy quantifiers are kept', () => {
    expect(compileJavaRegex('a+?b').source).toBe('a+?b');
  });

  test('atomic groups commit to their first match', () => {
    expect(matches('^(?>a|ab)c$', 'abc')).toBe(false);
    expect(matches('^(?>ab|a)c$', 'abc')).toBe(true);
  });

  test('back-references keep pointing at the right group after the emulation adds groups', () => {
    expect(matches('^(a)(?>b)\\1$', 'aba')).toBe(true);
    expect(matches('^(x)y*+\\1(z)\\2$', 'xyyxzz')).toBe(true);
    expect(matches('^(x)y*+\\1(z)\\2$', 'xyyxzy')).toBe(false);
    expect(matches('^(?<w>ab)-\\k<w>$', 'ab-ab')).toBe(true);
  });

  test('\\A, \\z and \\Z anchor to the whole input', () => {
    expect(matches('\\Athumbs', 'thumbs/a.jpg')).toBe(true);
    expect(matches('\\Athumbs', 'x/thumbs')).toBe(false);
    expect(matches('db\\z', 'thumbs.db')).toBe(true);
    expect(matches('db\\z', 'thumbs.db\n')).toBe(false);
    expect(matches('db\\Z', 'thumbs.db\n')).toBe(true);
    expect(matches('(?m)^b\\z', 'a\nb')).toBe(true);
  });

  test('\\Q...\\E quotes literally, inside and outside classes', () => {
    expect(matches('^\\Q(1).*\\E$', '(1).*')).toBe(true);
    expect(matches('^\\Q(1).*\\E$', '(1)xx')).toBe(false);
    expect(matches('^[\\Q-]\\E]+$', '-]-')).toBe(true);
    expect(matches('^\\Qopen', 'open ended')).toBe(true);
  });

  test('POSIX classes, Java escapes and leading inline flags', () => {
    expect(matches('^\\p{Upper}{3}\\p{Digit}$', 'ABC1')).toBe(true);
    expect(matches('^[\\p{Alpha}_]+$', 'snake_case')).toBe(true);
    expect(matches('^\\P{Alpha}+$', '123')).toBe(true);
    expect(matches('^\\p{Punct}$', '~')).toBe(true);
    expect(matches('^\\p{L}+$', 'héllo')).toBe(true);
    expect(matches('^\\p{IsLatin}+$', 'abc')).toBe(true);
    expect(matches('^\\h\\v$', '\t\n')).toBe(true);
    expect(matches('^a\\Rb$', 'a\r\nb')).toBe(true);
    expect(matches('^\\x{1F600}$', '😀')).toBe(true);
    expect(matches('^\\0101\\x42\\u0043\\cA$', 'ABC\u0001')).toBe(true);
    expect(matches('^\\e\\a$', '\u001b\u0007')).toBe(true);
    expect(matches('(?i)^THUMBS\\.DB$', 'thumbs.db')).toBe(true);
    expect(matches('(?s)^a.b$', 'a\nb')).toBe(true);
    expect(matches('^a\\-b\\@c\\#$', 'a-b@c#')).toBe(true);
    expect(matches('^[]a]+$', ']a]')).toBe(true);
    expect(matches('^}]$', '}]')).toBe(true);
  });

  test.each([
    ['(unclosed', /not closed/],
    ['unopened)', /no matching/],
    ['*.jpg', /nothing to repeat/],
    ['a{', /repetition/],
    ['[a-z', /not closed/],
    ['[a-z&&[^aeiou]]', /intersection/],
    ['[a-d[m-p]]', /union/],
    ['a(?i:b)', /inline flags/],
    ['(?x)a b', /\(\?x\)/],
    ['\\p{InGreek}', /not supported/],
    ['\\G', /not supported/],
    ['\\y', /not supported/],
    ['(a)\\2', /does not exist/],
    ['(?<1bad>x)', /named group/],
    ['\\x{110000}', /beyond/],
    ['\\0', /incomplete/],
    ['trailing\\', /lone backslash/],
  ])('%s is refused with a reason', (java, reason) => {
    const result = translateJavaRegex(java);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(reason);
  });

  test('compileJavaRegex throws with the pattern in the message', () => {
    expect(() => compileJavaRegex('(')).toThrow(/invalid regular expression '\('/);
  });
});
