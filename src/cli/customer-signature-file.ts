import { randomBytes } from 'node:crypto';
import { lstat, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CatalogError } from '../catalog/index.js';
import { SIGNATURE_FILE_NAME, parseSignatureFile } from '../jobs/index.js';
import { usageInvalid } from './usage-errors.js';

const PARAMETER = '--signature-file';

/**
 * Where the SIGNATURE file goes: `--signature-file PATH` (a directory, such as the mounted device,
 * gets `PATH/SIGNATURE`), by default `./SIGNATURE` in the working directory.
 */
export async function signatureFilePath(cwd: string, option: string | undefined): Promise<string> {
  if (option === undefined) return resolve(cwd, SIGNATURE_FILE_NAME);
  const path = resolve(cwd, option);
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() ? join(path, SIGNATURE_FILE_NAME) : path;
}

/** What is at the target now, and whether it may be replaced. */
type Existing =
  | { kind: 'none' }
  | { kind: 'same'; text: string }
  | { kind: 'replaceable' }
  | { kind: 'blocked'; reason: string };

/**
 * An existing file may be replaced by the SIGNATURE of `jobId` when it is the SIGNATURE of that
 * same job (UpdateJob makes the old one invalid), or with --force; anything else is kept.
 * `jobId` null means the job is not known yet (create-job), so any existing file blocks.
 */
async function inspect(path: string, jobId: string | null, force: boolean): Promise<Existing> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return { kind: 'none' };
  if (info.isDirectory()) return { kind: 'blocked', reason: `${path} is a directory` };
  if (!info.isFile()) return { kind: 'blocked', reason: `${path} is not a regular file` };
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return { kind: 'blocked', reason: `${path} exists and cannot be read` };
  const existingJob = parseSignatureFile(text)?.jobId.toUpperCase();
  if (force || (jobId !== null && existingJob === jobId)) return { kind: 'same', text };
  const what = existingJob ? `the SIGNATURE of job ${existingJob}` : 'a file that is not a SIGNATURE';
  return {
    kind: 'blocked',
    reason: `${path} already exists (${what}); give --force to replace it, or choose another --signature-file`,
  };
}

/**
 * Checks before any request that the SIGNATURE can be written to `path` without replacing a file
 * it must not replace: a usage error (exit 2) otherwise.
 */
export async function checkSignatureTarget(
  path: string,
  jobId: string | null,
  force: boolean,
): Promise<void> {
  const existing = await inspect(path, jobId, force);
  if (existing.kind === 'blocked') usageInvalid(PARAMETER, path, existing.reason);
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) usageInvalid(PARAMETER, path, `the folder ${dirname(path)} does not exist`);
}

/**
 * Writes the SIGNATURE file atomically (a temporary file in the same folder, flushed, then
 * renamed over the target), under the same replacement rule as checkSignatureTarget. An
 * identical file is left as it is. Failures are InvalidParameterException naming --signature-file.
 */
export async function writeSignatureFile(
  path: string,
  contents: string,
  jobId: string,
  force: boolean,
): Promise<void> {
  const existing = await inspect(path, jobId, force);
  if (existing.kind === 'blocked') throw writeFailed(path, existing.reason);
  if (existing.kind === 'same' && existing.text === contents) return;
  try {
    await writeAtomically(path, contents);
  } catch (err) {
    throw writeFailed(path, (err as Error).message);
  }
}

/**
 * Writes `data` to `path` through a temporary file in the same folder, flushed to the device and
 * then renamed over `path`, so a reader never sees a half-written file.
 */
export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

function writeFailed(path: string, reason: string): CatalogError {
  return new CatalogError(
    'InvalidParameterException',
    { parameter: PARAMETER },
    { parameter: PARAMETER, value: path, reason: `the SIGNATURE file was not written: ${reason}` },
  );
}
