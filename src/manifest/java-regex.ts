import { javaClass } from './java-regex-class.js';
import { atomEscape, type EscapeOut } from './java-regex-escape.js';

// Translates the Java regular expressions of `ignore` (java.util.regex syntax) into JavaScript ones
// (always with the `u` flag). Exact translations: possessive quantifiers and atomic groups (through
// the lookahead-and-backreference idiom), \A \z \Z, \Q...\E, \h \v \R \e \a, octal and \x{...}
// escapes, POSIX \p{Alpha}-style classes, leading inline flags (?i) (?s) (?m). Java-only constructs
// without an equivalent (class union/intersection, scoped inline flags, \G, \X) are refused.

export type JavaRegexResult = { ok: true; regex: RegExp } | { ok: false; error: string };

type Piece = { t: 'text'; s: string } | { t: 'open'; id: number; name?: string } | { t: 'ref'; id: number };

interface Group {
  start: number;
  atomicId?: number;
}

class Translation {
  readonly out: Piece[] = [];
  readonly groups: Group[] = [];
  /** Ids of the user's capturing groups, in the order they open (Java group n = userGroups[n-1]). */
  readonly userGroups: number[] = [];
  lastAtom: number | undefined;
  nextId = 0;
  flags = 'u';

  constructor(readonly src: string) {}

  text(s: string, atom: boolean): void {
    if (atom) this.lastAtom = this.out.length;
    else this.lastAtom = undefined;
    this.out.push({ t: 'text', s });
  }

  open(name?: string): number {
    const id = this.nextId++;
    this.out.push(name === undefined ? { t: 'open', id } : { t: 'open', id, name });
    return id;
  }
}

/** Translates and compiles one Java pattern; never throws. */
export function translateJavaRegex(java: string): JavaRegexResult {
  try {
    const tr = new Translation(java);
    let i = leadingFlags(tr);
    while (i < java.length) i = step(tr, i);
    if (tr.groups.length > 0) throw new Error('a group ( is not closed');
    return { ok: true, regex: new RegExp(render(tr), tr.flags) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Like translateJavaRegex, but throws on a pattern that cannot be used. */
export function compileJavaRegex(java: string): RegExp {
  const result = translateJavaRegex(java);
  if (!result.ok) throw new Error(`invalid regular expression '${java}': ${result.error}`);
  return result.regex;
}

function leadingFlags(tr: Translation): number {
  const m = /^\(\?([a-zA-Z]+)\)/.exec(tr.src);
  if (!m?.[1]) return 0;
  for (const flag of m[1]) {
    if ('ism'.includes(flag)) tr.flags += tr.flags.includes(flag) ? '' : flag;
    else if (!'udU'.includes(flag)) throw new Error(`the inline flag (?${flag}) is not supported`);
  }
  return m[0].length;
}

function step(tr: Translation, i: number): number {
  const c = tr.src[i] ?? '';
  if (c === '\\') return escape(tr, i);
  if (c === '[') return charClass(tr, i);
  if (c === '(') return openGroup(tr, i);
  if (c === ')') return closeGroup(tr, i);
  if ('*+?{'.includes(c)) return quantifier(tr, i);
  if (c === ']' || c === '}') tr.text(`\\${c}`, true);
  else if (c === '^' || c === '$' || c === '|') tr.text(c, false);
  else tr.text(codePointAt(tr.src, i), true);
  return i + codePointAt(tr.src, i).length;
}

function codePointAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i) ?? 0);
}

function escape(tr: Translation, i: number): number {
  const result: EscapeOut = atomEscape(tr.src, i, tr.userGroups.length);
  if (result.kind === 'ref') {
    const id = tr.userGroups[result.group - 1];
    if (id === undefined) throw new Error(`\\${result.group} refers to a group that does not exist`);
    tr.lastAtom = tr.out.length;
    tr.out.push({ t: 'ref', id });
  } else {
    tr.text(result.text, result.kind === 'atom');
  }
  return result.end;
}

function charClass(tr: Translation, i: number): number {
  const { text, end } = javaClass(tr.src, i);
  tr.text(text, true);
  return end;
}

function openGroup(tr: Translation, i: number): number {
  const rest = tr.src.slice(i, i + 4);
  const named = /^\(\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(tr.src.slice(i));
  const start = tr.out.length;
  tr.lastAtom = undefined;
  if (named?.[1]) {
    tr.userGroups.push(tr.open(named[1]));
    tr.groups.push({ start });
    return i + named[0].length;
  }
  const plain = ['(?:', '(?=', '(?!', '(?<=', '(?<!'].find((p) => rest.startsWith(p));
  if (plain) {
    tr.out.push({ t: 'text', s: plain });
    tr.groups.push({ start });
    return i + plain.length;
  }
  if (rest.startsWith('(?>')) {
    tr.out.push({ t: 'text', s: '(?:(?=' });
    tr.groups.push({ start, atomicId: tr.open() });
    return i + 3;
  }
  if (rest.startsWith('(?<')) throw new Error('a named group must look like (?<name>...)');
  if (rest.startsWith('(?')) throw new Error('inline flags are only supported at the start, as in (?i)');
  tr.userGroups.push(tr.open());
  tr.groups.push({ start });
  return i + 1;
}

function closeGroup(tr: Translation, i: number): number {
  const group = tr.groups.pop();
  if (!group) throw new Error('a ) has no matching (');
  tr.out.push({ t: 'text', s: ')' });
  if (group.atomicId !== undefined) {
    tr.out.push({ t: 'text', s: ')' }, { t: 'ref', id: group.atomicId }, { t: 'text', s: ')' });
  }
  tr.lastAtom = group.start;
  return i + 1;
}

function quantifier(tr: Translation, i: number): number {
  const m = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(tr.src.slice(i));
  if (!m) throw new Error('a { does not start a valid repetition such as {2} or {1,3}');
  const atom = tr.lastAtom;
  if (atom === undefined) throw new Error(`the repetition ${m[0]} has nothing to repeat`);
  const mode = tr.src[i + m[0].length];
  const end = i + m[0].length + (mode === '?' || mode === '+' ? 1 : 0);
  if (mode !== '+') {
    tr.out.push({ t: 'text', s: m[0] + (mode === '?' ? '?' : '') });
    tr.lastAtom = undefined;
    return end;
  }
  // Possessive X*+ behaves like the atomic group (?>X*): emulate it as (?:(?=(X*))\N).
  const id = tr.nextId++;
  tr.out.splice(atom, 0, { t: 'text', s: '(?:(?=' }, { t: 'open', id });
  tr.out.push({ t: 'text', s: `${m[0]})` }, { t: 'text', s: ')' }, { t: 'ref', id }, { t: 'text', s: ')' });
  tr.lastAtom = undefined;
  return end;
}

function render(tr: Translation): string {
  const numbers = new Map<number, number>();
  for (const piece of tr.out) if (piece.t === 'open') numbers.set(piece.id, numbers.size + 1);
  return tr.out
    .map((piece) => {
      if (piece.t === 'text') return piece.s;
      if (piece.t === 'open') return piece.name === undefined ? '(' : `(?<${piece.name}>`;
      return `(?:\\${numbers.get(piece.id) ?? 0})`;
    })
    .join('');
}
