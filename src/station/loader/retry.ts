import { CatalogError } from '../../catalog/index.js';
import { DeviceReadError } from '../../devices/port.js';
import { isRetryable } from '../../storage/index.js';
import type { RetryPolicy } from './types.js';

// Sending a store request again: 500, 503/SlowDown, RequestTimeout and broken connections (the
// storage module's isRetryable), plus BadDigest: the body we hold is intact (its MD5 was taken
// when it was read), so a mismatch means it was damaged on the way and a second send may pass.
// Backoff is "full jitter": a random pause below min(maxMs, baseMs * 2^try).

/** Thrown when the load is stopping while a request waits to be sent again (or before it starts). */
export class LoadStopped extends Error {
  constructor() {
    super('the load is stopping');
    this.name = 'LoadStopped';
  }
}

/** What a retry reports before it pauses. */
export interface RetryNotice {
  readonly error: unknown;
  /** The try that failed, 1-based. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** True when sending the same request again may succeed. Never throws. */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof DeviceReadError) return false; // the device's, whatever its errno (a streamed body)
  if (error instanceof CatalogError && error.code === 'BadDigest') return true;
  return isRetryable(error);
}

/**
 * Runs `work` up to `policy.attempts` times while it fails with a retryable error. Rejects with the
 * last error (non-retryable, or the last try's), or with LoadStopped when `stop` is aborted before
 * a try or during a pause.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  stop: AbortSignal,
  onRetry?: (notice: RetryNotice) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (stop.aborted) throw new LoadStopped();
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !shouldRetry(error)) throw error;
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const delayMs = Math.round(Math.random() * ceiling);
      onRetry?.({ error, attempt, delayMs });
      await pause(delayMs, stop);
    }
  }
}

/** Waits `ms`, or rejects with LoadStopped as soon as `stop` is aborted. */
export function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.reject(new LoadStopped());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LoadStopped());
    };
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    stop.addEventListener('abort', onAbort, { once: true });
  });
}
