import { CatalogError } from '../../catalog/index.js';
import type { EraseProgress } from './types.js';

/** Reports one phase's progress with its elapsed time and rate; a no-op without a callback. */
export interface PhaseClock {
  report(bytesDone: number): void;
  /** Seconds since the phase started. */
  seconds(): number;
}

/** Starts the clock of `phase`, which will cover `bytesTotal` bytes. Never throws by itself. */
export function startPhase(
  phase: EraseProgress['phase'],
  bytesTotal: number,
  onProgress?: (progress: EraseProgress) => void,
): PhaseClock {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  return {
    seconds,
    report(bytesDone) {
      if (!onProgress) return;
      const elapsedSeconds = seconds();
      const bytesPerSecond = elapsedSeconds > 0 ? bytesDone / elapsedSeconds : 0;
      onProgress({ phase, bytesDone, bytesTotal, elapsedSeconds, bytesPerSecond });
    },
  };
}

/**
 * InternalError for an erase that went wrong on the device, with the reason (naming the path and
 * byte) and the offset in `details`, so the operator knows the device is not safely erased.
 */
export function eraseFailure(reason: string, offset: number, cause?: unknown): CatalogError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const error = new CatalogError('InternalError', {}, { reason, offset, ...(errno ? { errno } : {}) });
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  return error;
}
