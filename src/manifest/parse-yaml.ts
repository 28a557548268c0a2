import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, YAMLError, YAMLMap } from 'yaml';
import { prescanYaml } from './prescan.js';
import type { ManifestIssue } from './types.js';

export const DEFAULT_MAX_BYTES = 256 * 1024;
/** At most this many YAML syntax errors are reported for one manifest. */
const MAX_SYNTAX_ISSUES = 20;

export interface Position {
  line: number;
  column: number;
}

/** A parsed manifest: the top-level mapping and a way to locate any offset in it. */
export interface ParsedYaml {
  root: YAMLMap;
  positionOf: (offset: number) => Position;
  /** Duplicate or non-text keys: Malformed, but the rest of the document can still be checked. */
  keyIssues: ManifestIssue[];
}

export type ParseOutcome = { ok: true; parsed: ParsedYaml } | { ok: false; issues: ManifestIssue[] };

/** The text a SIGNATURE covers: a leading UTF-8 BOM removed and every CRLF turned into LF. */
export function canonicalManifestText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n/g, '\n');
}

/** Size check, canonicalisation, hostile-input pre-scan and YAML composition. Issues are Malformed. */
export function parseManifestYaml(text: string, maxBytes: number): ParseOutcome {
  const tooBig = checkSize(text, maxBytes);
  if (tooBig) return failure(tooBig, { line: 1, column: 1 });
  const canonical = canonicalManifestText(text);
  if (canonical.trim() === '') return failure('The manifest is empty.', { line: 1, column: 1 });
  const refused = prescanYaml(canonical);
  if (refused) return failure(refused.message, positionInText(canonical, refused.offset));
  try {
    return compose(canonical);
  } catch (err) {
    // The composer can still run out of stack on pathological input that passed the pre-scan.
    const reason = err instanceof Error ? err.message : String(err);
    return failure(`The manifest could not be read as YAML (${reason}).`, { line: 1, column: 1 });
  }
}

function checkSize(text: string, maxBytes: number): string | undefined {
  // A UTF-16 code unit is at least one UTF-8 byte, so a long string is refused without reading it.
  if (text.length > maxBytes) return `The manifest is larger than the limit of ${maxBytes} bytes.`;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes ? `The manifest is ${bytes} bytes; the limit is ${maxBytes} bytes.` : undefined;
}

function compose(text: string): ParseOutcome {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
  });
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
  };
  if (doc.errors.length > 0) return { ok: false, issues: syntaxIssues(doc.errors, positionOf) };
  const root = doc.contents;
  if (!root)
    return failure('The manifest has no fields (only comments or blank lines).', { line: 1, column: 1 });
  if (!isMap(root)) {
    const where = root?.range ? positionOf(root.range[0]) : { line: 1, column: 1 };
    const what = isSeq(root) ? 'a list' : 'a single value';
    return failure(`The manifest must be a mapping of field names to values, not ${what}.`, where);
  }
  return { ok: true, parsed: { root, positionOf, keyIssues: checkKeys(root, positionOf) } };
}

/** One issue per position (YAML often reports two errors for one mistake), at most MAX_SYNTAX_ISSUES. */
function syntaxIssues(errors: YAMLError[], positionOf: (offset: number) => Position): ManifestIssue[] {
  const firstAtOffset = new Map<number, YAMLError>();
  for (const err of errors) if (!firstAtOffset.has(err.pos[0])) firstAtOffset.set(err.pos[0], err);
  return [...firstAtOffset.values()]
    .slice(0, MAX_SYNTAX_ISSUES)
    .map((err) => malformed(describeSyntaxError(err), positionOf(err.pos[0])))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

const SYNTAX_MESSAGES: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'a tab is used for indentation; indent with spaces',
  BAD_INDENT: 'the indentation does not line up with the enclosing block',
  MULTIPLE_DOCS: 'the text holds more than one YAML document (a `---` line); a manifest is one document',
  DUPLICATE_KEY: 'a field name appears twice in the same mapping',
  MISSING_CHAR: 'a closing quote, bracket or brace is missing before this point',
  BLOCK_AS_IMPLICIT_KEY: 'a value holds a second `name: value` pair on the same line',
  MULTILINE_IMPLICIT_KEY: 'a field name runs over more than one line (check the indentation)',
  KEY_OVER_1024_CHARS: 'a field name is longer than 1024 characters',
  UNEXPECTED_TOKEN: 'unexpected text',
  BAD_DQ_ESCAPE: 'a double-quoted string holds an invalid escape sequence',
  BLOCK_IN_FLOW: 'a block value appears inside [ ] or { }',
};

function describeSyntaxError(err: YAMLError): string {
  const known = SYNTAX_MESSAGES[err.code];
  const detail = known ?? (err.message.split('\n')[0] ?? err.code).replace(/ at line \d+, column \d+:?$/, '');
  return `The manifest is not valid YAML: ${detail}.`;
}

/** Finds duplicate keys and non-text keys in every mapping (iteratively: depth is bounded anyway). */
function checkKeys(root: YAMLMap, positionOf: (offset: number) => Position): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const pending: Array<{ node: Node; path: string }> = [{ node: root, path: '' }];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    const { node, path } = entry;
    if (isSeq(node))
      node.items.forEach((item, i) => pending.push({ node: item as Node, path: `${path}[${i}]` }));
    if (isMap(node)) issues.push(...checkMapKeys(node, path, positionOf, pending));
  }
  return issues;
}

function checkMapKeys(
  map: YAMLMap,
  path: string,
  positionOf: (offset: number) => Position,
  pending: Array<{ node: Node; path: string }>,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    const key = pair.key as Node | null;
    const where = positionOf(key?.range?.[0] ?? map.range?.[0] ?? 0);
    if (!isScalar(key)) {
      issues.push(malformed('A field name must be plain text, not a list or a mapping.', where, path));
      continue;
    }
    const name = String(key.source ?? key.value);
    const childPath = path ? `${path}.${name}` : name;
    if (pair.value) pending.push({ node: pair.value as Node, path: childPath });
    if (seen.has(name)) {
      issues.push(
        malformed(`The field '${childPath}' appears more than once in the same mapping.`, where, childPath),
      );
    }
    seen.add(name);
  }
  return issues;
}

/** 1-based line and column of `offset`, by counting newlines (used before the YAML is composed). */
export function positionInText(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function malformed(message: string, where: Position, path = ''): ManifestIssue {
  return { code: 'MalformedManifestException', path, line: where.line, column: where.column, message };
}

function failure(message: string, where: Position): ParseOutcome {
  return { ok: false, issues: [malformed(message, where)] };
}
