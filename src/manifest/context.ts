import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Position } from './parse-yaml.js';
import type { JobKind, ManifestIssue, ManifestIssueCode } from './types.js';

/** One `name: value` entry of a mapping; `value` is undefined when it is empty or null. */
export interface Entry {
  name: string;
  path: string;
  keyNode: Scalar;
  value: Node | undefined;
}

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Collects issues and warnings while a manifest is checked, and locates nodes. */
export class Ctx {
  readonly issues: ManifestIssue[] = [];
  readonly warnings: string[] = [];

  constructor(
    readonly jobType: JobKind,
    private readonly positionOf: (offset: number) => Position,
  ) {}

  /** Position of a node's first character (1:1 when it has none). */
  at(node: Node | undefined | null): Position {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : this.positionOf(offset);
  }

  add(code: ManifestIssueCode, path: string, where: Position, message: string): void {
    this.issues.push({ code, path, line: where.line, column: where.column, message });
  }

  /** Records an issue at `node` and returns undefined, so readers can `return ctx.fail(...)`. */
  fail(code: ManifestIssueCode, path: string, node: Node | undefined | null, message: string): undefined {
    this.add(code, path, this.at(node), message);
    return undefined;
  }

  warn(where: Position, message: string): void {
    this.warnings.push(`line ${where.line}: ${message}`);
  }
}

/** True for an absent value or a plain `~` / `null` / empty scalar. */
export function isNullish(node: Node | null | undefined): boolean {
  if (!node) return true;
  return isScalar(node) && node.type === 'PLAIN' && NULL_WORDS.has(scalarText(node));
}

/** The scalar's text exactly as written (after YAML unquoting and folding). */
export function scalarText(node: Scalar): string {
  return typeof node.source === 'string' ? node.source : String(node.value);
}

/** The entries of a mapping, first occurrence of each name only (duplicates are reported by the parser). */
export function entriesOf(map: YAMLMap, parentPath: string): Entry[] {
  const seen = new Set<string>();
  const entries: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode)) continue;
    const name = scalarText(keyNode);
    if (seen.has(name)) continue;
    seen.add(name);
    const value = isNullish(pair.value as Node | null) ? undefined : (pair.value as Node);
    const shownName = name === '' ? '""' : name;
    entries.push({ name, path: parentPath ? `${parentPath}.${shownName}` : shownName, keyNode, value });
  }
  return entries;
}

/** Short description of a node's kind, for messages. */
export function kindOf(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'a value';
}

/** Where an entry is reported: its value, or its key when the value is empty. */
export function entryNode(entry: Entry): Node {
  return entry.value ?? entry.keyNode;
}

/** A value quoted for a message, cut short so a huge value cannot flood the reply. */
export function shown(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return `'${oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine}'`;
}

/** The items of a YAML list with their paths (`path[0]`, ...); `node` is undefined for an empty item. */
export function itemsOf(
  seq: YAMLSeq,
  path: string,
): Array<{ node: Node | undefined; path: string; at: Node }> {
  return seq.items.map((item, i) => ({
    node: isNullish(item as Node | null) ? undefined : (item as Node),
    path: `${path}[${i}]`,
    at: (item as Node | null) ?? seq,
  }));
}
