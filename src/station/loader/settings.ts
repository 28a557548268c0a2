import { S3_LIMITS } from '../../storage/port.js';
import type { LoadOptions, RetryPolicy } from './types.js';

// The loader's tunables with their defaults, checked once when a load starts.

const MIB = 1024 * 1024;

/**
 * Files uploading at once, unless the store asks for another number (ObjectStore.uploadConcurrency,
 * applied by runLoad). Small files are bound by the server's latency per request: into Ceph RGW on
 * 2 cores, 8 gave 265 files/s, 16 gave 326, 32 gave 351 (issue 7); memory stays bounded by the
 * in-flight byte budget whatever the count.
 */
export const DEFAULT_CONCURRENCY = 32;

/**
 * Files up to this size (above singlePutMax) go as one streamed PUT where the store takes them:
 * one hash of every byte on each side instead of two (stream-put.ts). Larger ones go in parts,
 * which a far-away store takes on several connections at once, and a failure costs one part.
 */
export const DEFAULT_STREAM_PUT_MAX = 1024 * MIB;

/** Retries when the options give none: 6 tries over about 20 s at most. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 250, maxMs: 8000 };

/** The tunables of one load, defaults filled in. */
export interface LoadSettings {
  readonly concurrency: number;
  readonly partSize: number;
  readonly maxInFlightBytes: number;
  readonly singlePutMax: number;
  readonly streamPutMax: number;
  readonly retry: RetryPolicy;
  readonly checkpointEveryMs: number;
  readonly countFirst: boolean;
  readonly stationCountry: string;
}

/**
 * The settings of `options` with defaults. Throws RangeError for a concurrency below 1, a part
 * size below 5 MiB or above 5 GiB, a single-PUT or streamed-PUT maximum above 5 GiB, a budget
 * below the part size or the single-PUT maximum, or a retry policy with fewer than one attempt.
 */
export function loadSettings(options: LoadOptions): LoadSettings {
  const partSize = options.partSize ?? 16 * MIB;
  const settings: LoadSettings = {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    partSize,
    maxInFlightBytes: options.maxInFlightBytes ?? 256 * MIB,
    singlePutMax: options.singlePutMax ?? partSize,
    streamPutMax: options.streamPutMax ?? DEFAULT_STREAM_PUT_MAX,
    retry: options.retry ?? DEFAULT_RETRY,
    checkpointEveryMs: options.checkpointEveryMs ?? 1500,
    countFirst: options.countFirst ?? true,
    stationCountry: options.stationCountry ?? 'US',
  };
  check(Number.isInteger(settings.concurrency) && settings.concurrency >= 1, 'concurrency must be >= 1');
  check(
    partSize >= S3_LIMITS.minPartBytes && partSize <= S3_LIMITS.maxSinglePutBytes,
    `partSize must be between ${S3_LIMITS.minPartBytes} and ${S3_LIMITS.maxSinglePutBytes} bytes`,
  );
  check(
    settings.singlePutMax >= 0 && settings.singlePutMax <= S3_LIMITS.maxSinglePutBytes,
    `singlePutMax must be between 0 and ${S3_LIMITS.maxSinglePutBytes} bytes`,
  );
  check(
    settings.streamPutMax >= 0 && settings.streamPutMax <= S3_LIMITS.maxSinglePutBytes,
    `streamPutMax must be between 0 and ${S3_LIMITS.maxSinglePutBytes} bytes`,
  );
  check(
    settings.maxInFlightBytes >= Math.max(partSize, settings.singlePutMax),
    'maxInFlightBytes must hold at least one part and one single PUT',
  );
  check(settings.retry.attempts >= 1, 'retry.attempts must be >= 1');
  check(settings.checkpointEveryMs > 0, 'checkpointEveryMs must be > 0');
  return settings;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`runLoad: ${message}`);
}

/**
 * The part size for a file of `size` bytes: the configured one, grown (in whole MiB) so that the
 * file has at most 10000 parts. A part larger than the in-flight budget is still allowed: it then
 * waits until nothing else is in flight (see Quota).
 */
export function partSizeFor(size: number, partSize: number): number {
  const least = Math.ceil(size / S3_LIMITS.maxParts / MIB) * MIB;
  return Math.max(partSize, least);
}

/** Number of parts of a file of `size` bytes cut in `partSize` pieces (at least 1). */
export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}
