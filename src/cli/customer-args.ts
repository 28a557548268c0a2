import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { JOB_ID_ALPHABET, normaliseJobId } from '../jobs/index.js';
import type { JobType } from './importexport-client.js';
import { UsageError, usageInvalid } from './usage-errors.js';

// Argument parsers and input checks of the customer commands. Each returns the checked value or
// throws a UsageError (InvalidParameterException, exit code 2) before any request is sent.

/** The largest manifest the API accepts (issue 3: a manifest over 1 MiB is InvalidParameterException). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
export const MAX_JOBS_LIMIT = 1000;

const JOB_ID_RULE = `a job ID is 5 characters of ${JOB_ID_ALPHABET} (digits 1-9 and letters except O, any case)`;

/** A job ID (case-insensitive) in its upper-case form. */
export function jobIdArg(parameter: string): (raw: string) => string {
  return (raw) => normaliseJobId(raw) ?? usageInvalid(parameter, raw, JOB_ID_RULE);
}

/** `--job-ids A,B` (repeatable): checked, upper-case, in order, without repeats. */
export function jobIdListArg(raw: string, previous: string[] | undefined): string[] {
  const ids = [...(previous ?? [])];
  for (const part of raw.split(',')) {
    const id = normaliseJobId(part) ?? usageInvalid('--job-ids', part.trim(), JOB_ID_RULE);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** `Import` or `Export`, any case (the AWS CLI accepts `import` too). */
export function jobTypeArg(raw: string): JobType {
  const word = raw.trim().toLowerCase();
  if (word === 'import') return 'Import';
  if (word === 'export') return 'Export';
  return usageInvalid('--job-type', raw, 'must be Import or Export');
}

/** A whole number from 0 to 1000. */
export function maxJobsArg(raw: string): number {
  const text = raw.trim();
  const value = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= MAX_JOBS_LIMIT)) {
    usageInvalid('--max-jobs', raw, `must be a whole number from 0 to ${MAX_JOBS_LIMIT}`);
  }
  return value;
}

/** One line of a shipping address: trimmed, not empty, no control characters, at most 256 characters. */
export function addressArg(parameter: string): (raw: string) => string {
  return (raw) => {
    const text = raw.trim();
    // eslint-disable-next-line no-control-regex
    if (text === '' || text.length > 256 || /[\x00-\x1f\x7f]/.test(text)) {
      usageInvalid(parameter, raw, 'must be 1-256 characters without control characters');
    }
    return text;
  };
}

/** The manifest file: its absolute path and its text. */
export interface ManifestFile {
  path: string;
  text: string;
}

/**
 * Reads `--manifest FILE` (a `file://` prefix, as the AWS CLI takes it, is allowed): a missing,
 * unreadable or non-UTF-8 file, or one over 1 MiB, is InvalidParameterException naming --manifest.
 */
export async function readManifestFile(cwd: string, raw: string): Promise<ManifestFile> {
  const path = resolve(cwd, raw.startsWith('file://') ? raw.slice('file://'.length) : raw);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) return usageInvalid('--manifest', raw, `${path} is not a file`);
    if (info.size > MAX_MANIFEST_BYTES) return tooLarge(raw, info.size);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EACCES'
          ? 'the file cannot be read (permission denied)'
          : `the file cannot be read (${code ?? (err as Error).message})`;
    return usageInvalid('--manifest', raw, `${why}: ${path}`);
  }
  if (bytes.length > MAX_MANIFEST_BYTES) return tooLarge(raw, bytes.length);
  try {
    return { path, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return usageInvalid('--manifest', raw, `${path} is not UTF-8 text`);
  }
}

function tooLarge(raw: string, size: number): never {
  return usageInvalid(
    '--manifest',
    raw,
    `the file has ${size} bytes; a manifest may have at most ${MAX_MANIFEST_BYTES} bytes (1 MiB)`,
  );
}
