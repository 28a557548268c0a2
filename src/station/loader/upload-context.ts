import type { Readable } from 'node:stream';
import { CatalogError, type CodeName } from '../../catalog/index.js';
import { DeviceReadError } from '../../devices/port.js';
import { bareEtag } from '../../storage/index.js';
import type { ObjectHeaders, ObjectStore, StoredObject } from '../../storage/port.js';
import type { PartReader } from './file-part-reader.js';
import type { StartedJournal } from './journal.js';
import type { ProgressTracker } from './progress.js';
import type { Quota } from './quota.js';
import { LoadStopped, withRetry } from './retry.js';
import type { LoadSettings } from './settings.js';

// What every upload shares (store, bucket, budget, journal, stop signal), what it uploads (an
// ObjectSource), what comes of it (a StoreOutcome), and the helpers both upload modes use.

/** The shared state of the uploads of one load. */
export interface UploadContext {
  readonly store: ObjectStore;
  readonly bucket: string;
  readonly settings: LoadSettings;
  /** Body bytes held in memory. */
  readonly budget: Quota;
  /** Aborted when the load stops: no new part, no new try after a failure. */
  readonly stop: AbortSignal;
  /** Null for uploads that need no crash record (the import log itself). */
  readonly journal: StartedJournal | null;
  readonly progress: ProgressTracker;
}

/** One object to upload from a stream. */
export interface ObjectSource {
  /** The file's path on the device (journal, messages). */
  readonly path: string;
  readonly key: string;
  /** Bytes the stream must give, exactly. */
  readonly size: number;
  open(): Readable;
  /**
   * The whole file in one read, as the pieces it was read in, when the device reader can
   * (DeviceReader.readWhole): single PUTs use it instead of `open()`, which costs a stream per
   * file, and give the pieces back to the pool once stored.
   */
  readAll?(): Promise<readonly Buffer[]>;
  /**
   * For multipart uploads, a reader of parts of `partSize` bytes to use instead of `open()`
   * (the import log: one reused buffer, see FilePartReader).
   */
  openParts?(partSize: number): PartReader;
  /** The headers to send, given the first bytes (gzip detection). */
  headersFor(firstBytes: Buffer): ObjectHeaders;
}

/** What became of one upload. `stopped` gets no row: the load stopped first. */
export type StoreOutcome =
  | { kind: 'stored'; md5Hex: string; bytes: number; contentType: string; uploaded: boolean }
  | { kind: 'refused'; code: CodeName; reason: string; md5Hex?: string; contentType?: string }
  | { kind: 'unreadable'; error: DeviceReadError }
  | { kind: 'stopped' };

/** A signal that never aborts: requests that must finish even while the load stops. */
export const NEVER = new AbortController().signal;

/** A store request with the load's retry policy; retries are reported as progress events. */
export function storeCall<T>(
  ctx: UploadContext,
  operation: string,
  key: string,
  work: () => Promise<T>,
  stop: AbortSignal = ctx.stop,
): Promise<T> {
  return withRetry(work, ctx.settings.retry, stop, ({ error, attempt, delayMs }) => {
    const code = error instanceof CatalogError ? error.code : String((error as { code?: unknown })?.code);
    ctx.progress.send({ type: 'retry', operation, key, code, attempt, delayMs });
  });
}

/**
 * The outcome an upload error stands for: a read error of the file (508 row), a storage refusal
 * (its code's row), or the load stopping (no row). Rethrows what must stop the load: a
 * device-scope DeviceReadError, and anything else (local fs errors, bugs).
 */
export function outcomeOf(
  error: unknown,
  known: { md5Hex?: string; contentType?: string } = {},
): StoreOutcome {
  if (error instanceof LoadStopped) return { kind: 'stopped' };
  if (error instanceof DeviceReadError) {
    if (error.scope === 'device') throw error;
    return { kind: 'unreadable', error };
  }
  if (error instanceof CatalogError)
    return { kind: 'refused', code: error.code, reason: reasonOf(error), ...known };
  throw error;
}

/** The catalog message, with the particular reason when the error carries one. */
function reasonOf(error: CatalogError): string {
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && reason !== '' ? `${error.message} (${reason})` : error.message;
}

/** The file gave more or fewer bytes than its size: it cannot be trusted (a 508 row). */
export function sizeMismatch(src: ObjectSource, got: string): DeviceReadError {
  return new DeviceReadError({
    code: 'ESIZE',
    operation: 'read',
    path: src.path,
    message: `${src.path}: the file gave ${got} bytes, its size is ${src.size}`,
  });
}

/** A stored object that does not match what was sent (size or ETag): an InternalError row. */
export function mismatch(key: string, what: string): CatalogError {
  return new CatalogError('InternalError', {}, { httpStatus: 500, reason: `${key}: ${what}` });
}

/** True when `stored` has the headers that would be sent (metadata included; ACL and class aside). */
export function sameHeaders(stored: StoredObject, sent: ObjectHeaders): boolean {
  const fields = [
    'contentType',
    'contentEncoding',
    'cacheControl',
    'contentDisposition',
    'contentLanguage',
    'expires',
  ] as const;
  if (fields.some((field) => (stored[field] ?? undefined) !== (sent[field] ?? undefined))) return false;
  const a = Object.entries(stored.metadata ?? {});
  const b = sent.metadata ?? {};
  return a.length === Object.keys(b).length && a.every(([name, value]) => b[name] === value);
}

/** Whether the stored object has `size` bytes, the ETag `etag` (bare) and the headers `sent`. */
export function matches(
  stored: StoredObject | null,
  size: number,
  etag: string,
  sent: ObjectHeaders,
): boolean {
  return (
    stored !== null && stored.size === size && bareEtag(stored.etag) === etag && sameHeaders(stored, sent)
  );
}

/**
 * After an upload: HEAD the object and check its size and ETag. Throws InternalError when they
 * differ (or the object is gone), and storage errors of the HEAD. Not stopped by the load stopping
 * (the upload is done; only its check is left).
 */
export async function verifyStored(
  ctx: UploadContext,
  key: string,
  size: number,
  etag: string,
): Promise<void> {
  const stored = await storeCall(ctx, 'HeadObject', key, () => ctx.store.headObject(ctx.bucket, key), NEVER);
  if (stored === null) throw mismatch(key, 'the object is missing after its upload');
  if (stored.size !== size) throw mismatch(key, `the object has ${stored.size} bytes, ${size} were sent`);
  if (bareEtag(stored.etag) !== etag) throw mismatch(key, `the ETag is ${stored.etag}, expected ${etag}`);
}

/**
 * Runs `work`, handing it a function that ends its read phase: `read` settles when that function
 * is called (or when `work` ends, whichever comes first), `done` with work's result.
 */
export function twoPhases<T>(work: (readDone: () => void) => Promise<T>): {
  read: Promise<void>;
  done: Promise<T>;
} {
  let readDone: () => void = () => {};
  const read = new Promise<void>((resolve) => (readDone = resolve));
  const done = work(readDone).finally(readDone);
  return { read, done };
}
