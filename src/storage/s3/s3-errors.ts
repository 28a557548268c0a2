import { CatalogError, entryOf, isCodeName, type CodeName } from '../../catalog/index.js';
import { storageError } from '../errors.js';

/**
 * S3 error codes that the catalog spells another way (the seed's e-mail spelling), or that mean
 * the same thing as a catalog code: a body damaged in transit fails the signed payload hash
 * (XAmzContentSHA256Mismatch) before the Content-MD5 check, and is the same fault as BadDigest
 * (retried by the loader: it still holds the intact bytes).
 */
const CODE_ALIASES: Readonly<Record<string, CodeName>> = {
  InvalidAccessKeyId: 'InvalidAccess Key ID',
  XAmzContentSHA256Mismatch: 'BadDigest',
};

/** Node's error codes for a connection that broke, was refused, or went silent. */
const NETWORK_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Error names the SDK's HTTP handler gives a request that timed out. */
const TIMEOUT_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout']);

/** What the AWS SDK v3 puts on the errors it throws (service errors and transport errors alike). */
interface SdkFailure {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** For answers without a body (HEAD): the code a bare status means for this request. */
export type StatusCodes = Partial<Record<number, CodeName>>;

/**
 * Anything an SDK call threw, as a storage CatalogError (never throws itself):
 * - a CatalogError passes through;
 * - a network failure (reset, refused, timed out, socket hang up, TimeoutError) becomes
 *   RequestTimeout with `details.network: true` and the errno;
 * - an S3 error answer becomes the catalog code of the same name (S3's InvalidAccessKeyId is the
 *   catalog's `InvalidAccess Key ID`), or, for a body-less answer, the code `statusCodes` gives its
 *   status, else InternalError; `details.httpStatus` is the status the server answered and
 *   `details.s3Code` the code as it spelled it.
 * The SDK error is kept as `cause`.
 */
export function mapS3Error(error: unknown, statusCodes: StatusCodes = {}): CatalogError {
  if (error instanceof CatalogError) return error;
  const failure = (error ?? {}) as SdkFailure;
  const status = failure.$metadata?.httpStatusCode;
  const reason = failure.message || undefined;
  let mapped: CatalogError;
  if (status === undefined) {
    const errno = networkErrno(failure);
    mapped =
      errno === undefined
        ? storageError('InternalError', 500, { reason })
        : storageError('RequestTimeout', entryOf('RequestTimeout').http ?? 400, {
            network: true,
            errno,
            reason,
          });
  } else {
    const s3Code = failure.Code ?? failure.name;
    const code = catalogCodeOf(s3Code) ?? statusCodes[status] ?? 'InternalError';
    mapped = storageError(code, status, { s3Code, reason, requestId: failure.$metadata?.requestId });
  }
  (mapped as { cause?: unknown }).cause = error;
  return mapped;
}

/** The catalog code for an S3 code name, when the catalog has it as an S3 code. */
function catalogCodeOf(s3Code: string | undefined): CodeName | undefined {
  if (s3Code === undefined) return undefined;
  const code = CODE_ALIASES[s3Code] ?? (isCodeName(s3Code) ? s3Code : undefined);
  return code !== undefined && entryOf(code).channels.includes('s3') ? code : undefined;
}

/**
 * The errno (or timeout name) of a transport failure, or undefined when `failure` is not one.
 * Looks inside an AggregateError too (Node's connection attempts to several addresses).
 */
export function networkErrno(failure: SdkFailure): string | undefined {
  if (typeof failure.code === 'string' && NETWORK_ERRNOS.has(failure.code)) return failure.code;
  if (failure.name !== undefined && TIMEOUT_NAMES.has(failure.name)) return failure.name;
  if (/socket hang up/i.test(failure.message ?? '')) return 'ECONNRESET';
  for (const inner of failure.errors ?? []) {
    const errno = networkErrno((inner ?? {}) as SdkFailure);
    if (errno !== undefined) return errno;
  }
  return undefined;
}

/** Runs one SDK call and turns whatever it throws into a storage CatalogError (see mapS3Error). */
export async function s3Call<T>(work: () => Promise<T>, statusCodes?: StatusCodes): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapS3Error(error, statusCodes);
  }
}

/**
 * A rejection handler that swallows the storage error `code` (an answer that means success for
 * the caller, e.g. NoSuchUpload on an idempotent abort) and rethrows anything else.
 */
export function except(code: CodeName): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof CatalogError && error.code === code)) throw error;
  };
}
