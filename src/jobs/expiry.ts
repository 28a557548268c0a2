import { CatalogError } from '../catalog/index.js';
import type { JobRecord, Store } from '../store/index.js';
import { JobTransitioner, type JobChangeListener } from './job-transitioner.js';
import { TRANSITIONS } from './transitions.js';

const DAY_MS = 86_400_000;
const BATCH = 500;

export interface ExpiryOptions {
  store: Store;
  /** A job whose device has not arrived this many days after creation expires. */
  expiryDays: number;
  now?: () => Date;
  onChange?: JobChangeListener;
}

/** Expires every NotReceived/Pending job older than expiryDays; returns the jobs it expired. */
export async function expireDueJobs(opts: ExpiryOptions): Promise<JobRecord[]> {
  const now = (opts.now ?? (() => new Date()))();
  const transitions = new JobTransitioner(opts.store, () => now, opts.onChange);
  const cutoff = new Date(now.getTime() - opts.expiryDays * DAY_MS);
  const expired: JobRecord[] = [];
  for (;;) {
    const due = await opts.store.findJobsCreatedBefore(TRANSITIONS.expire.from, cutoff, BATCH);
    for (const job of due) {
      try {
        expired.push(
          await transitions.apply(job, 'expire', 'scheduler', {
            patch: { expiredAt: now },
            detail: `no device received within ${opts.expiryDays} days`,
          }),
        );
      } catch (err) {
        // Another process changed it first (received, canceled or expired it): nothing to do.
        if (!(err instanceof CatalogError)) throw err;
      }
    }
    if (due.length < BATCH) return expired;
  }
}

/**
 * Runs expireDueJobs every `intervalMs` inside `longshore serve`. Runs never overlap, and
 * a failed run is reported and retried at the next tick.
 */
export class ExpiryScheduler {
  readonly #opts: ExpiryOptions & { intervalMs: number; onError: (err: unknown) => void };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | null = null;

  constructor(opts: ExpiryOptions & { intervalMs: number; onError: (err: unknown) => void }) {
    this.#opts = opts;
  }

  start(): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  #tick(): void {
    if (this.#running) return; // the previous run is still going: skip this tick
    this.#running = expireDueJobs(this.#opts)
      .catch(this.#opts.onError)
      .finally(() => {
        this.#running = null;
      });
  }
}
