import { isSeq } from 'yaml';
import type { Node } from 'yaml';
import { itemsOf, shown, type Ctx, type Entry } from './context.js';
import type { FieldValues } from './field-values.js';
import {
  extensionProblem,
  hasControlChars,
  metadataNameProblem,
  mimeTypeProblem,
  normaliseMetadataName,
} from './formats.js';
import { translateJavaRegex } from './java-regex.js';
import { readLine, readText, readTextMap } from './readers.js';

// Readers and cross-field rules of the import-only fields (reference §2.3).

const INVALID = 'InvalidManifestFieldException';
const MAX_KEY_BYTES = 1024;
const MAX_PATTERN_CHARS = 1024;
/** S3's limit on user-defined metadata: names plus values, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 2048;
/** What a disk timestamp value takes (`2014-06-01T12:00:00.000Z`). */
const TIMESTAMP_BYTES = 24;

export interface MetadataItem {
  name: string;
  value: string;
  entry: Entry;
}

export function readPrefix(ctx: Ctx, node: Node, path: string): string | undefined {
  const prefix = readLine(ctx, node, path);
  if (prefix === undefined || Buffer.byteLength(prefix, 'utf8') < MAX_KEY_BYTES) return prefix;
  return ctx.fail(
    INVALID,
    path,
    node,
    `'${path}' must be shorter than ${MAX_KEY_BYTES} bytes (an S3 key's limit).`,
  );
}

/** A list of Java regular expressions; each must translate and compile (`ignore[2]` on failure). */
export function readIgnore(ctx: Ctx, node: Node, path: string): string[] | undefined {
  if (!isSeq(node)) {
    return ctx.fail(
      INVALID,
      path,
      node,
      `'${path}' must be a list of regular expressions, one per '- ' line.`,
    );
  }
  const patterns: string[] = [];
  let ok = true;
  for (const item of itemsOf(node, path)) {
    const pattern = item.node ? readText(ctx, item.node, item.path) : undefined;
    const problem = pattern === undefined ? undefined : patternProblem(pattern);
    if (pattern !== undefined && !problem) patterns.push(pattern);
    else if (problem) ctx.fail(INVALID, item.path, item.node, `'${item.path}' ${problem}.`);
    else if (!item.node)
      ctx.fail(INVALID, item.path, item.at, `'${item.path}' is empty; give a regular expression.`);
    ok &&= pattern !== undefined && !problem;
  }
  return ok ? patterns : undefined;
}

function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_CHARS) return `has more than ${MAX_PATTERN_CHARS} characters`;
  const result = translateJavaRegex(pattern);
  return result.ok ? undefined : `is not a usable regular expression: ${result.error}`;
}

/** Extension -> MIME type; a leading dot on the extension is dropped (`.jpg` = `jpg`). */
export function readContentTypes(ctx: Ctx, node: Node, path: string): Record<string, string> | undefined {
  const pairs = readTextMap(ctx, node, path, (entry, value) => {
    const badExtension = extensionProblem(entry.name);
    if (badExtension) return { message: `'${entry.path}': ${badExtension}.`, onKey: true };
    const badType = mimeTypeProblem(value);
    return badType ? { message: `'${entry.path}' is ${shown(value)}: ${badType}.` } : undefined;
  });
  return pairs && Object.fromEntries(pairs.map(([ext, type]) => [ext.replace(/^\./, ''), type.trim()]));
}

export function readMimeType(ctx: Ctx, node: Node, path: string): string | undefined {
  const value = readLine(ctx, node, path)?.trim();
  const problem = value === undefined ? undefined : mimeTypeProblem(value);
  return problem ? ctx.fail(INVALID, path, node, `'${path}' is ${shown(value ?? '')}: ${problem}.`) : value;
}

/** A metadata name; stored lower-case without `x-amz-meta-`. */
export function readMetadataKey(ctx: Ctx, node: Node, path: string): string | undefined {
  const name = readLine(ctx, node, path);
  const problem = name === undefined ? undefined : metadataNameProblem(name);
  if (problem) return ctx.fail(INVALID, path, node, `'${path}' is ${shown(name ?? '')}: ${problem}.`);
  return name === undefined ? undefined : normaliseMetadataName(name);
}

/** Metadata name -> value; names are checked and normalised here, the total size in checkMetadata. */
export function readStaticMetadata(ctx: Ctx, node: Node, path: string): MetadataItem[] | undefined {
  const items: MetadataItem[] = [];
  const names = new Set<string>();
  const pairs = readTextMap(ctx, node, path, (entry, value) => {
    const problem = metadataNameProblem(entry.name);
    if (problem) return { message: `'${entry.path}': ${problem}.`, onKey: true };
    if (hasControlChars(value)) return { message: `'${entry.path}' must be one line of text.` };
    const name = normaliseMetadataName(entry.name);
    if (names.has(name))
      return { message: `'${entry.path}' repeats the metadata name '${name}'.`, onKey: true };
    names.add(name);
    items.push({ name, value, entry });
    return undefined;
  });
  return pairs && items;
}

/** Static metadata must not repeat the timestamp key and must fit S3's 2 KB metadata limit. */
export function checkMetadata(ctx: Ctx, values: FieldValues): void {
  const items = values.get<MetadataItem[]>('staticMetadata');
  if (!items) return;
  const timestampKey = values.get<string>('diskTimestampMetadataKey');
  const clash = items.find((i) => i.name === timestampKey);
  if (clash) {
    const message = `'${clash.entry.path}' uses the name given in diskTimestampMetadataKey; pick another name.`;
    ctx.fail(INVALID, clash.entry.path, clash.entry.keyNode, message);
  }
  const timestampBytes = timestampKey ? Buffer.byteLength(timestampKey) + TIMESTAMP_BYTES : 0;
  const total = items.reduce((sum, i) => sum + Buffer.byteLength(i.name) + Buffer.byteLength(i.value), 0);
  if (total + timestampBytes > MAX_METADATA_BYTES) {
    const entry = values.entry('staticMetadata');
    const message = `'staticMetadata' takes ${total + timestampBytes} bytes (names and values${timestampKey ? ', plus the disk timestamp' : ''}); S3 allows ${MAX_METADATA_BYTES}.`;
    ctx.fail(INVALID, 'staticMetadata', entry?.value, message);
  }
}
