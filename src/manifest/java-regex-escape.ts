// Backslash escapes of java.util.regex, translated to JavaScript `u`-mode syntax.

export type EscapeOut =
  { kind: 'atom' | 'assert'; text: string; end: number } | { kind: 'ref'; group: number; end: number };

export interface ClassPart {
  text: string;
  end: number;
}

const SIMPLE: Record<string, string> = {
  t: '\\t',
  n: '\\n',
  r: '\\r',
  f: '\\f',
  e: '\\x1B',
  a: '\\x07',
  d: '\\d',
  D: '\\D',
  s: '\\s',
  S: '\\S',
  w: '\\w',
  W: '\\W',
};
const ASSERTIONS: Record<string, string> = {
  b: '\\b',
  B: '\\B',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))',
  E: '', // a stray \E is ignored by Java
};
const H_BODY = '\\t \\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const V_BODY = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const OUTSIDE_CLASSES: Record<string, string> = {
  h: `[${H_BODY}]`,
  H: `[^${H_BODY}]`,
  v: `[${V_BODY}]`,
  V: `[^${V_BODY}]`,
  R: `(?:\\r\\n|[${V_BODY}])`,
};
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: '\\t-\\r ',
};
const JAVA_PROPS: Record<string, string> = {
  javaLowerCase: 'Lowercase',
  javaUpperCase: 'Uppercase',
  javaWhitespace: 'White_Space',
  javaDigit: 'Nd',
  javaLetter: 'L',
  javaAlphabetic: 'Alphabetic',
};
const SYNTAX_CHARS = '^$\\.*+?()[]{}|/';

/** An escape outside a character class, starting at the backslash `src[i]`. */
export function atomEscape(src: string, i: number, groupsSoFar: number): EscapeOut {
  const d = src[i + 1];
  if (d === undefined) throw new Error('the pattern ends with a lone backslash');
  const simple = SIMPLE[d] ?? OUTSIDE_CLASSES[d];
  if (simple !== undefined) return { kind: 'atom', text: simple, end: i + 2 };
  const assertion = ASSERTIONS[d];
  if (assertion !== undefined) return { kind: 'assert', text: assertion, end: i + 2 };
  if (/[1-9]/.test(d)) return backReference(src, i, groupsSoFar);
  if (d === 'k') return namedReference(src, i);
  if (d === 'Q') return { kind: 'atom', ...quoted(src, i, (ch) => literal(ch, SYNTAX_CHARS)) };
  if (d === 'p' || d === 'P') {
    const prop = property(src, i);
    const text = prop.body === undefined ? prop.text : `[${d === 'P' ? '^' : ''}${prop.body}]`;
    return { kind: 'atom', text, end: prop.end };
  }
  const code = codeEscape(src, i);
  if (code) return { kind: 'atom', ...code };
  return {
    kind: 'atom',
    text: literalEscape(src, i, SYNTAX_CHARS),
    end: i + 1 + codePoint(src, i + 1).length,
  };
}

/** An escape inside a character class, starting at the backslash `src[i]`. */
export function classEscape(src: string, i: number): ClassPart {
  const d = src[i + 1];
  if (d === undefined) throw new Error('the pattern ends with a lone backslash');
  const simple = SIMPLE[d] ?? { h: H_BODY, v: V_BODY }[d];
  if (simple !== undefined) return { text: simple, end: i + 2 };
  if (d === 'Q') return quoted(src, i, (ch) => literal(ch, `${SYNTAX_CHARS}-`));
  if (d === 'p' || d === 'P') {
    const prop = property(src, i);
    if (prop.body === undefined) return prop;
    if (d === 'P') throw new Error(`\\P{...} of a POSIX class is not supported inside [ ]`);
    return { text: prop.body, end: prop.end };
  }
  const code = codeEscape(src, i);
  if (code) return code;
  return { text: literalEscape(src, i, `${SYNTAX_CHARS}-`), end: i + 1 + codePoint(src, i + 1).length };
}

function backReference(src: string, i: number, groupsSoFar: number): EscapeOut {
  // Java: \1-\9 always refer to a group; more digits are taken while such a group exists.
  let group = Number(src[i + 1]);
  let end = i + 2;
  for (let next = src[end]; next !== undefined && /\d/.test(next); next = src[end]) {
    const longer = group * 10 + Number(next);
    if (longer > groupsSoFar) break;
    group = longer;
    end += 1;
  }
  return { kind: 'ref', group, end };
}

function namedReference(src: string, i: number): EscapeOut {
  const m = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(src.slice(i));
  if (!m) throw new Error('\\k must be followed by a group name in < >');
  return { kind: 'atom', text: m[0], end: i + m[0].length };
}

function quoted(src: string, i: number, escapeChar: (ch: string) => string): ClassPart {
  const close = src.indexOf('\\E', i + 2);
  const body = src.slice(i + 2, close === -1 ? src.length : close);
  return { text: [...body].map(escapeChar).join(''), end: close === -1 ? src.length : close + 2 };
}

/** \0ooo octal, \xhh, \x{h...}, \uhhhh, \cX; undefined for other escapes. */
function codeEscape(src: string, i: number): ClassPart | undefined {
  const rest = src.slice(i + 1);
  const patterns: Array<[RegExp, (m: RegExpExecArray) => number]> = [
    [/^0([0-3][0-7]{2}|[0-7]{1,2})/, (m) => parseInt(m[1] ?? '', 8)],
    [/^x\{([0-9a-fA-F]{1,6})\}/, (m) => parseInt(m[1] ?? '', 16)],
    [/^x([0-9a-fA-F]{2})/, (m) => parseInt(m[1] ?? '', 16)],
    [/^u([0-9a-fA-F]{4})/, (m) => parseInt(m[1] ?? '', 16)],
    [/^c([\x40-\x5f])/, (m) => (m[1] ?? '').charCodeAt(0) ^ 64],
  ];
  for (const [pattern, value] of patterns) {
    const m = pattern.exec(rest);
    if (!m) continue;
    const code = value(m);
    if (code > 0x10ffff) throw new Error(`\\${m[0]} is beyond the last Unicode code point`);
    return { text: `\\u{${code.toString(16)}}`, end: i + 1 + m[0].length };
  }
  if (/^[0xuc]/.test(rest)) throw new Error(`the escape \\${rest.slice(0, 2)} is incomplete`);
  return undefined;
}

function literalEscape(src: string, i: number, mustEscape: string): string {
  const ch = codePoint(src, i + 1);
  if (/[a-zA-Z0-9]/.test(ch)) throw new Error(`the escape \\${ch} is not supported`);
  return literal(ch, mustEscape);
}

function literal(ch: string, mustEscape: string): string {
  return mustEscape.includes(ch) ? `\\${ch}` : ch;
}

function codePoint(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i) ?? 0);
}

/** \p{Name} / \pL: a POSIX body to put in [ ], or a ready JavaScript \p{...} escape. */
function property(src: string, i: number): { text: string; body?: string; end: number } {
  const negated = src[i + 1] === 'P';
  const m = /^\{([A-Za-z0-9_=]+)\}|^([A-Za-z])/.exec(src.slice(i + 2));
  if (!m) throw new Error('\\p must be followed by a property name such as {Alpha} or {L}');
  const name = m[1] ?? m[2] ?? '';
  const end = i + 2 + m[0].length;
  const body = POSIX[name];
  if (body !== undefined) return { text: '', body, end };
  const js = jsProperty(name);
  if (!js) throw new Error(`the property \\p{${name}} is not supported`);
  return { text: `\\${negated ? 'P' : 'p'}{${js}}`, end };
}

function jsProperty(name: string): string | undefined {
  if (JAVA_PROPS[name]) return JAVA_PROPS[name];
  if (/^(In|blk=|block=)/.test(name)) return undefined; // Unicode blocks: no JavaScript equivalent
  const value = name.replace(/^(Is|sc=|script=|gc=|general_category=)/, '');
  const script = /^(sc=|script=)/.test(name);
  const candidates = script ? [`Script=${value}`] : [value, `Script=${value}`];
  return candidates.find(isValidJsProperty);
}

function isValidJsProperty(prop: string): boolean {
  try {
    new RegExp(`\\p{${prop}}`, 'u');
    return true;
  } catch {
    return false;
  }
}
