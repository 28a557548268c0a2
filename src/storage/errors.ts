import { CatalogError, entryOf, type CodeName } from '../catalog/index.js';

/**
 * What a storage CatalogError carries in `details`: the HTTP status the server answered (or, for
 * the embedded store, the status a real S3 server gives for the same mistake), `network: true`
 * when no answer came at all, and any extra facts for logs (`s3Code` as the server spelled it,
 * `reason` in plain words).
 */
export interface StorageErrorDetails {
  httpStatus: number;
  network?: boolean;
  s3Code?: string;
  reason?: string;
  [extra: string]: unknown;
}

/** Codes a client should send again after a pause, whatever the status that came with them. */
const RETRYABLE_CODES: ReadonlySet<CodeName> = new Set(['SlowDown', 'RequestTimeout', 'OperationAborted']);

/** Statuses that mean the server is briefly unable to answer (ServiceUnavailable, gateway errors). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** Node's error codes for a connection that broke or never opened. */
const NETWORK_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * A storage failure as the one error type of the project: CatalogError(code) with
 * `details = { httpStatus, ...detail }`. Never throws; any catalog code is accepted.
 */
export function storageError(
  code: CodeName,
  httpStatus: number,
  detail: Omit<Partial<StorageErrorDetails>, 'httpStatus'> = {},
): CatalogError {
  const details: StorageErrorDetails = { ...detail, httpStatus };
  return new CatalogError(code, {}, details);
}

/** The same error with the status the catalog gives the code (500 for a code without one). */
export function storageErrorOf(code: CodeName, reason?: string): CatalogError {
  return storageError(code, entryOf(code).http ?? 500, reason === undefined ? {} : { reason });
}

/**
 * Anything thrown, as a storage error: CatalogErrors pass through, anything else becomes
 * InternalError with status 500 (the store itself failed), keeping the cause and its errno.
 */
export function toStorageError(error: unknown): CatalogError {
  if (error instanceof CatalogError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const errno = (error as { code?: unknown } | null)?.code;
  const wrapped = storageError(
    'InternalError',
    500,
    typeof errno === 'string' ? { reason, errno } : { reason },
  );
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}

/** The details of a storage error, or undefined when `err` is not one. */
export function storageDetails(err: unknown): StorageErrorDetails | undefined {
  if (!(err instanceof CatalogError)) return undefined;
  const details = err.details as Partial<StorageErrorDetails> | undefined;
  return typeof details?.httpStatus === 'number' ? (details as StorageErrorDetails) : undefined;
}

/**
 * True when sending the same request again may succeed: SlowDown, RequestTimeout,
 * OperationAborted, a server-side InternalError (status 500) or ServiceUnavailable (503), a failed
 * connection (`details.network`), or a raw Node network error. A local InternalError without a
 * status (a bug, a full disk) is not retryable. Never throws.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CatalogError) {
    const details = storageDetails(err);
    if (details?.network === true) return true;
    if (RETRYABLE_CODES.has(err.code)) return true;
    return details !== undefined && RETRYABLE_STATUSES.has(details.httpStatus);
  }
  const errno = (err as { code?: unknown } | null)?.code;
  return typeof errno === 'string' && NETWORK_ERRNOS.has(errno);
}
