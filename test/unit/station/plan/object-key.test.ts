import { describe, expect, it } from 'vitest';
import { objectKeyFor, Substituter } from '../../../../src/station/plan/index.js';

describe('Substituter', () => {
  it('is the identity without substitutions', () => {
    const none = new Substituter({});
    expect(none.empty).toBe(true);
    expect(none.apply('a/b c.txt')).toBe('a/b c.txt');
  });

  it('never re-substitutes its own output', () => {
    expect(new Substituter({ a: 'aa' }).apply('banana')).toBe('baanaanaa');
    expect(new Substituter({ x: 'y', y: 'x' }).apply('xyxy')).toBe('yxyx');
  });

  it('handles multi-byte text and slashes in search and replacement', () => {
    const s = new Substituter({ é: 'e', 日本: 'nihon', '\\': '/', ' - ': '/' });
    expect(s.apply('café/日本語/a\\b/x - y')).toBe('cafe/nihon語/a/b/x/y');
  });

  it('prefers the longest search text at a position', () => {
    const s = new Substituter({ a: '1', ab: '2', abc: '3' });
    expect(s.apply('abcabaa')).toBe('32' + '11');
  });
});

describe('objectKeyFor', () => {
  const none = new Substituter({});

  it('keeps empty components the path or prefix already had', () => {
    expect(objectKeyFor('/', 'a', none)).toEqual({ ok: true, key: '/a' });
    expect(objectKeyFor('x//', 'a', new Substituter({ a: 'b' }))).toEqual({ ok: true, key: 'x//b' });
  });

  it('flags a folder emptied in the middle of the key', () => {
    const result = objectKeyFor('', 'a/tmp/b', new Substituter({ tmp: '' }));
    expect(result).toMatchObject({ ok: false, code: 'InvalidSubstitution', key: 'a//b' });
  });

  it('accepts exactly 1024 bytes and refuses 1025', () => {
    expect(objectKeyFor('', 'k'.repeat(1024), none)).toMatchObject({ ok: true });
    expect(objectKeyFor('', `${'k'.repeat(1022)}ß`, none)).toMatchObject({ ok: true });
    const over = objectKeyFor('', `${'k'.repeat(1023)}ß`, none);
    expect(over).toMatchObject({ ok: false, code: 'KeyTooLong' });
    expect(!over.ok && over.reason).toMatch(/1025 UTF-8 bytes/);
  });
});
