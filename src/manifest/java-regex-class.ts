import { classEscape } from './java-regex-escape.js';

/**
 * A Java character class `[...]` starting at `src[i]`, as a JavaScript `u`-mode class.
 * Java's union (`[a[b]]`) and intersection (`[a&&b]`) have no `u`-mode equivalent and are refused.
 */
export function javaClass(src: string, i: number): { text: string; end: number } {
  let j = i + 1;
  let text = '[';
  if (src[j] === '^') {
    text += '^';
    j += 1;
  }
  for (let first = true; ; first = false) {
    const c = src[j];
    if (c === undefined) throw new Error('a [ character class is not closed');
    if (c === ']' && !first) return { text: `${text}]`, end: j + 1 };
    if (c === '[') throw new Error('nested character classes (Java class union) are not supported');
    if (c === '&' && src[j + 1] === '&')
      throw new Error('character class intersection (&&) is not supported');
    const part = c === '\\' ? classEscape(src, j) : plainClassChar(src, j);
    text += part.text;
    j = part.end;
  }
}

function plainClassChar(src: string, j: number): { text: string; end: number } {
  const ch = String.fromCodePoint(src.codePointAt(j) ?? 0);
  // Java takes a `]` right after `[` or `[^` literally.
  return { text: ch === ']' ? '\\]' : ch, end: j + ch.length };
}
