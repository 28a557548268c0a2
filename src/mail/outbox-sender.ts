import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxRecord, Store } from '../store/index.js';
import { PermanentDeliveryError, RELAY_ATTEMPT_MAX_MS, type MailDelivery } from './delivery.js';

export interface OutboxSenderOptions {
  store: Store;
  delivery: MailDelivery;
  /** The longest wait between two attempts of one message, in seconds. */
  retryMaxSeconds: number;
  onError: (err: unknown) => void;
  /** Milliseconds between two looks at the outbox when nobody wakes the sender (default 1000). */
  pollMs?: number;
  /** Messages claimed at once (default 20). */
  batch?: number;
  /** How long a claim holds a message; it must outlast one delivery attempt. */
  leaseMs?: number;
  now?: () => Date;
  /** A number in [0, 1) for the jitter (Math.random by default). */
  random?: () => number;
}

/**
 * The wait before attempt `attempts + 1` of a message whose attempt `attempts` failed: exponential
 * (1 s, 2 s, 4 s, ...) up to `maxSeconds`, with "equal jitter" (a random half of the wait) so that
 * the messages held up by one outage do not all retry in the same second.
 */
export function retryDelayMs(attempts: number, maxSeconds: number, random: () => number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const ceiling = Math.min(maxSeconds * 1000, 1000 * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

/**
 * Delivers the outbox inside `longshore serve`: claims due messages with a lease (so two senders,
 * in one process or several sharing a database, never hold one message at once), hands each to the
 * delivery, and marks it sent right after the delivery confirmed it. A failed attempt is retried
 * with backoff, a permanent refusal is kept as failed, and a message left pending by a crash is
 * claimed again once its lease runs out; messages stay in the store until then, so a restart loses
 * none. Passes never overlap.
 */
export class OutboxSender {
  readonly #opts: OutboxSenderOptions;
  readonly #owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(opts: OutboxSenderOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.wake();
    this.#timer = setInterval(() => this.wake(), this.#opts.pollMs ?? 1000);
    this.#timer.unref();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
  }

  /** Stops polling and waits for the attempt in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
    this.#opts.delivery.close();
  }

  /** One pass: delivers every message due now (in batches); returns how many were sent. */
  async runOnce(): Promise<number> {
    const batch = this.#opts.batch ?? 20;
    let sent = 0;
    for (;;) {
      const now = this.#now();
      const leaseMs = this.#opts.leaseMs ?? 2 * RELAY_ATTEMPT_MAX_MS;
      const claimed = await this.#opts.store.claimOutbox({
        owner: this.#owner,
        now,
        leaseUntil: new Date(now.getTime() + leaseMs),
        limit: batch,
      });
      for (const message of claimed) {
        if (await this.#attempt(message)) sent++;
      }
      if (claimed.length < batch || this.#stopped) return sent;
    }
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.runOnce();
      } catch (err) {
        this.#opts.onError(err);
      }
    } while (this.#again && !this.#stopped);
  }

  async #attempt(message: OutboxRecord): Promise<boolean> {
    const { store, delivery } = this.#opts;
    try {
      await delivery.deliver(message);
    } catch (err) {
      const permanent = err instanceof PermanentDeliveryError;
      const delay = retryDelayMs(
        message.attempts,
        this.#opts.retryMaxSeconds,
        this.#opts.random ?? Math.random,
      );
      const retryAt = permanent ? null : new Date(this.#now().getTime() + delay);
      await store.markOutboxFailed(message.id, this.#owner, describeError(err), retryAt);
      if (permanent)
        this.#opts.onError(new Error(`outbox ${message.id} to ${message.recipient}: ${describeError(err)}`));
      return false;
    }
    const marked = await store.markOutboxSent(message.id, this.#owner, this.#now());
    if (!marked) this.#opts.onError(new Error(`outbox ${message.id}: delivered after its lease ran out`));
    return marked;
  }

  #now(): Date {
    return (this.#opts.now ?? (() => new Date()))();
  }
}
