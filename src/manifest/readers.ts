import { isMap, isScalar } from 'yaml';
import type { Node } from 'yaml';
import { entriesOf, kindOf, scalarText, shown } from './context.js';
import type { Ctx, Entry } from './context.js';
import { hasControlChars } from './formats.js';
import type { ManifestIssueCode } from './types.js';

// Readers turn one YAML node into a typed value, or record an issue and return undefined.

const INVALID: ManifestIssueCode = 'InvalidManifestFieldException';
const TRUE_WORDS = new Set(['yes', 'y', 'true', 'on']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'off']);

export type Reader<T> = (ctx: Ctx, node: Node, path: string) => T | undefined;

/** Any scalar as text; numbers keep their source spelling (postalCode 02134 stays '02134'). */
export function readText(ctx: Ctx, node: Node, path: string, code: ManifestIssueCode = INVALID) {
  if (isScalar(node)) return scalarText(node);
  return ctx.fail(code, path, node, `'${path}' must be text, not ${kindOf(node)}.`);
}

/** Text on one line without control characters (copied into HTTP headers or labels). */
export function readLine(ctx: Ctx, node: Node, path: string, code: ManifestIssueCode = INVALID) {
  const text = readText(ctx, node, path, code);
  if (text === undefined || !hasControlChars(text)) return text;
  return ctx.fail(code, path, node, `'${path}' must be a single line without control characters.`);
}

/** yes/no, true/false, on/off, y/n in any letter case (YAML 1.1 booleans). */
export function readBoolean(ctx: Ctx, node: Node, path: string, code: ManifestIssueCode = INVALID) {
  const text = readText(ctx, node, path, code)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return ctx.fail(code, path, node, `'${path}' must be yes or no (true/false and on/off are accepted too).`);
}

/** One of `values`, matched without regard to letter case and returned in its canonical spelling. */
export function enumReader<T extends string>(
  values: readonly T[],
  code: ManifestIssueCode = INVALID,
): Reader<T> {
  return (ctx, node, path) => {
    const text = readText(ctx, node, path, code)?.trim();
    if (text === undefined) return undefined;
    const found = values.find((v) => v.toLowerCase() === text.toLowerCase());
    if (found) return found;
    return ctx.fail(code, path, node, `'${path}' is ${shown(text)}; allowed values: ${values.join(', ')}.`);
  };
}

/** A mapping node, or an issue saying that one was expected. */
export function readMapping(ctx: Ctx, node: Node, path: string, code: ManifestIssueCode = INVALID) {
  if (isMap(node)) return entriesOf(node, path);
  return ctx.fail(code, path, node, `'${path}' must be a mapping of names to values, not ${kindOf(node)}.`);
}

/** A problem found by a readTextMap check; `onKey` reports it at the name rather than the value. */
export interface MapProblem {
  message: string;
  onKey?: boolean;
}

/** A mapping of text to text, each entry checked by `check`. */
export function readTextMap(
  ctx: Ctx,
  node: Node,
  path: string,
  check: (entry: Entry, value: string) => MapProblem | undefined,
): Array<[string, string]> | undefined {
  const entries = readMapping(ctx, node, path);
  if (!entries) return undefined;
  const pairs: Array<[string, string]> = [];
  for (const entry of entries) {
    if (!entry.value) {
      const message = `'${entry.path}' has no value; write "" for an empty text.`;
      ctx.fail(INVALID, entry.path, entry.keyNode, message);
      continue;
    }
    const value = readText(ctx, entry.value, entry.path);
    const problem = value === undefined ? undefined : check(entry, value);
    if (problem) ctx.fail(INVALID, entry.path, problem.onKey ? entry.keyNode : entry.value, problem.message);
    else if (value !== undefined) pairs.push([entry.name, value]);
  }
  return pairs;
}

/** Reports sub-fields that are not in `known` as warnings (they are ignored). */
export function warnUnknown(ctx: Ctx, entries: Entry[], known: ReadonlySet<string>): void {
  for (const entry of entries) {
    if (known.has(entry.name)) continue;
    const hint = [...known].find((k) => k.toLowerCase() === entry.name.toLowerCase());
    const suggestion = hint ? ` (did you mean '${hint}'?)` : '';
    ctx.warn(ctx.at(entry.keyNode), `unknown field '${entry.path}' is ignored${suggestion}.`);
  }
}
