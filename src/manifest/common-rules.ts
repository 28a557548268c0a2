import { isSeq } from 'yaml';
import type { Node } from 'yaml';
import { itemsOf, shown } from './context.js';
import type { Ctx } from './context.js';
import { bucketNameProblem, emailProblem } from './formats.js';
import { readLine, readText, readTextMap } from './readers.js';

// Readers of the fields shared by import and export manifests (reference §2.2).
// Each records InvalidManifestFieldException issues and returns undefined on a bad value.

const INVALID = 'InvalidManifestFieldException';
/** Bytes of `import-log-XXXXX.csv` / `export-log-XXXXX.csv` after the log prefix. */
const LOG_NAME_BYTES = 'import-log-XXXXX.csv'.length;
const MAX_KEY_BYTES = 1024;
const MAX_PASSWORD_CHARS = 64; // TrueCrypt's limit

/** 2, 2.0, '2.0' and AWS's `2.0;` are all version '2.0'; 1.x and 3.0 are refused with a reason. */
export function readManifestVersion(ctx: Ctx, node: Node, path: string): '2.0' | undefined {
  const raw = readText(ctx, node, path);
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/;$/, '').trim();
  if (/^2(\.0*)?$/.test(text)) return '2.0';
  if (/^3(\.\d*)?$/.test(text)) {
    return ctx.fail(
      INVALID,
      path,
      node,
      `manifestVersion ${text} (EBS and Glacier import) is not supported; use 2.0.`,
    );
  }
  if (/^1(\.\d*)?$/.test(text)) {
    return ctx.fail(INVALID, path, node, `manifestVersion ${text} is an obsolete manifest format; use 2.0.`);
  }
  return ctx.fail(INVALID, path, node, `manifestVersion is ${shown(text)}; the supported version is 2.0.`);
}

/** Text on one line, not blank, at most `max` characters. */
export function boundedLine(max: number) {
  return (ctx: Ctx, node: Node, path: string): string | undefined => {
    const text = readLine(ctx, node, path)?.trim();
    if (text === undefined) return undefined;
    if (text === '') return ctx.fail(INVALID, path, node, `'${path}' cannot be blank.`);
    if (text.length > max) return ctx.fail(INVALID, path, node, `'${path}' has more than ${max} characters.`);
    return text;
  };
}

/** An access key ID: one word of at most 128 characters (matched against the caller's key later). */
export function readAccessKeyId(ctx: Ctx, node: Node, path: string): string | undefined {
  const text = boundedLine(128)(ctx, node, path);
  if (text === undefined || !/\s/.test(text)) return text;
  return ctx.fail(INVALID, path, node, `'${path}' must be a single word (an access key ID has no spaces).`);
}

export function readBucket(ctx: Ctx, node: Node, path: string): string | undefined {
  const name = readText(ctx, node, path)?.trim();
  if (name === undefined) return undefined;
  const problem = bucketNameProblem(name);
  if (!problem) return name;
  return ctx.fail(INVALID, path, node, `'${path}' is ${shown(name)}, not a valid bucket name: ${problem}.`);
}

/** Any text; with the log name after it, it must fit in an S3 key (1024 bytes). */
export function readLogPrefix(ctx: Ctx, node: Node, path: string): string | undefined {
  const prefix = readLine(ctx, node, path);
  if (prefix === undefined) return undefined;
  const logName = `${ctx.jobType.toLowerCase()}-log-<JOBID>.csv`;
  if (Buffer.byteLength(prefix, 'utf8') + LOG_NAME_BYTES <= MAX_KEY_BYTES) return prefix;
  const max = MAX_KEY_BYTES - LOG_NAME_BYTES;
  const message = `'${path}' is too long: with '${logName}' after it the log key must fit in ${MAX_KEY_BYTES} bytes, so the prefix has at most ${max} bytes.`;
  return ctx.fail(INVALID, path, node, message);
}

/** Addresses separated by `;` (or a YAML list of them), each `name@example.com`. */
export function readEmails(ctx: Ctx, node: Node, path: string): string[] | undefined {
  const sources = isSeq(node) ? itemsOf(node, path) : [{ node, path }];
  const addresses: string[] = [];
  let ok = true;
  for (const source of sources) {
    if (!source.node) continue;
    const text = readText(ctx, source.node, source.path);
    const parts = (text ?? '').split(';').map((p) => p.trim());
    for (const address of parts.filter((p) => p !== '')) {
      const problem = emailProblem(address);
      if (problem)
        ctx.fail(INVALID, source.path, source.node, `'${source.path}': ${shown(address)} is ${problem}.`);
      else addresses.push(address);
      ok &&= !problem;
    }
    ok &&= text !== undefined;
  }
  return ok ? addresses : undefined;
}

/** A mapping of text to replacement text (the replacement may be ""). */
export function readSubstitutions(ctx: Ctx, node: Node, path: string): Record<string, string> | undefined {
  const pairs = readTextMap(ctx, node, path, (entry) =>
    entry.name === '' ? { message: `'${path}' cannot replace the empty text.`, onKey: true } : undefined,
  );
  return pairs && Object.fromEntries(pairs);
}

/** A TrueCrypt password: 1 to 64 characters. The value is never repeated in messages. */
export function readPassword(ctx: Ctx, node: Node, path: string): string | undefined {
  const text = readText(ctx, node, path);
  if (text === undefined) return undefined;
  if (text.length >= 1 && text.length <= MAX_PASSWORD_CHARS) return text;
  return ctx.fail(INVALID, path, node, `'${path}' must have 1 to ${MAX_PASSWORD_CHARS} characters.`);
}
