import { isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { entriesOf, entryNode, isNullish, kindOf, type Ctx, type Entry } from './context.js';
import { readBucket } from './common-rules.js';
import { directoryNameProblem } from './formats.js';
import { readLine, readText, warnUnknown } from './readers.js';
import type { ExportOperation } from './types.js';

// Readers of the export-only fields (reference §2.4).

const INVALID = 'InvalidManifestFieldException';
const MAX_KEY_BYTES = 1024;
const OPERATION_FIELDS = new Set(['exportBucket', 'prefix', 'beginMarker', 'endMarker', 'targetDirectory']);

/** A non-empty list of operations, each naming an exportBucket. */
export function readOperations(ctx: Ctx, node: Node, path: string): ExportOperation[] | undefined {
  if (!isSeq(node))
    return ctx.fail(INVALID, path, node, `'${path}' must be a list of operations, not ${kindOf(node)}.`);
  if (node.items.length === 0) {
    return ctx.fail(
      INVALID,
      path,
      node,
      `'${path}' is empty; list at least one operation with an exportBucket.`,
    );
  }
  const before = ctx.issues.length;
  const operations = node.items.map((item, i) =>
    readOperation(ctx, item as Node | null, node, `${path}[${i}]`),
  );
  return ctx.issues.length > before ? undefined : (operations as ExportOperation[]);
}

function readOperation(ctx: Ctx, item: Node | null, list: Node, path: string): ExportOperation | undefined {
  if (!isMap(item)) {
    const what = item && !isNullish(item) ? kindOf(item) : 'an empty item';
    return ctx.fail(
      INVALID,
      path,
      item ?? list,
      `'${path}' must be a mapping with exportBucket, not ${what}.`,
    );
  }
  const entries = entriesOf(item, path);
  warnUnknown(ctx, entries, OPERATION_FIELDS);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const bucketEntry = byName.get('exportBucket');
  const bucket = bucketEntry?.value ? readBucket(ctx, bucketEntry.value, bucketEntry.path) : undefined;
  if (!bucketEntry?.value) {
    const where = bucketEntry ? entryNode(bucketEntry) : item;
    ctx.fail(
      'MissingManifestFieldException',
      `${path}.exportBucket`,
      where,
      `'${path}' needs an exportBucket.`,
    );
  }
  const operation: Partial<ExportOperation> = {};
  if (bucket) operation.exportBucket = bucket;
  for (const name of ['prefix', 'beginMarker', 'endMarker'] as const) {
    const value = readKeyText(ctx, byName.get(name));
    if (value !== undefined) operation[name] = value;
  }
  operation.targetDirectory = readTargetDirectory(ctx, byName.get('targetDirectory')) ?? `/${bucket ?? ''}/`;
  warnEmptyRange(ctx, operation, byName.get('beginMarker'));
  return operation as ExportOperation;
}

/** An S3 key or key prefix: any text up to 1024 UTF-8 bytes. */
function readKeyText(ctx: Ctx, entry: Entry | undefined): string | undefined {
  if (!entry?.value) return undefined;
  const text = readText(ctx, entry.value, entry.path);
  if (text === undefined || Buffer.byteLength(text, 'utf8') <= MAX_KEY_BYTES) return text;
  return ctx.fail(
    INVALID,
    entry.path,
    entry.value,
    `'${entry.path}' is longer than an S3 key (${MAX_KEY_BYTES} bytes).`,
  );
}

function readTargetDirectory(ctx: Ctx, entry: Entry | undefined): string | undefined {
  if (!entry?.value) return undefined;
  const text = readLine(ctx, entry.value, entry.path);
  if (text === undefined) return undefined;
  if (text.split(/[/\\]/).includes('..')) {
    return ctx.fail(
      INVALID,
      entry.path,
      entry.value,
      `'${entry.path}' cannot contain '..'; give a path on the device.`,
    );
  }
  return text;
}

function warnEmptyRange(ctx: Ctx, op: Partial<ExportOperation>, begin: Entry | undefined): void {
  if (op.beginMarker === undefined || op.endMarker === undefined || !begin) return;
  // S3 lists keys in UTF-8 byte order; beginMarker is exclusive, endMarker inclusive.
  if (Buffer.compare(Buffer.from(op.beginMarker), Buffer.from(op.endMarker)) < 0) return;
  const path = begin.path.replace(/\.beginMarker$/, '');
  ctx.warn(ctx.at(begin.keyNode), `'${path}' exports nothing: beginMarker is not before endMarker.`);
}

/** The directory for files whose keys cannot be file names; one legal directory name. */
export function readRecoveryDirectory(ctx: Ctx, node: Node, path: string): string | undefined {
  const name = readLine(ctx, node, path)?.trim();
  const problem = name === undefined ? undefined : directoryNameProblem(name);
  return problem ? ctx.fail(INVALID, path, node, `'${path}': ${problem}.`) : name;
}

/** The PIN of a hardware-encrypted device: 4 to 16 digits. Never repeated in messages. */
export function readPinCode(ctx: Ctx, node: Node, path: string): string | undefined {
  const pin = readText(ctx, node, path)?.trim();
  if (pin === undefined || /^\d{4,16}$/.test(pin)) return pin;
  return ctx.fail(INVALID, path, node, `'${path}' must be 4 to 16 digits.`);
}
