import { parseManifest } from '../manifest/index.js';
import type { JobRecord, NotifierBacklog, NotifierCursorMove, OutboxMessage, Store } from '../store/index.js';
import { isNotified, notificationFor } from './notification.js';
import type { Outbox } from './outbox.js';

export interface NotifierOptions {
  store: Store;
  outbox: Outbox;
  /** The station's country, for reading stored manifests as they were validated. */
  stationCountry: string;
  onError: (err: unknown) => void;
  /** Milliseconds between two looks at the job history (default 2000). */
  pollMs?: number;
  /** History lines read per pass (default 200). */
  batch?: number;
  now?: () => Date;
}

/** The account's registered addresses, then the manifest's notificationEmail ones, each once. */
function recipientsOf(job: JobRecord, accountEmails: readonly string[], stationCountry: string): string[] {
  const parsed = parseManifest(job.manifestText, job.jobType, { stationCountry });
  const extra = parsed.ok ? parsed.manifest.notificationEmail : [];
  return [...new Set([...accountEmails, ...extra].map((address) => address.trim().toLowerCase()))].filter(
    (address) => address !== '',
  );
}

/**
 * Mails customers about their jobs (received, loaded, returned, expired), reading the job history
 * that every transition appends in its own transaction. A cursor per job records the last history
 * line handled; moving it and enqueueing that line's mails is one transaction, so a crash at any
 * point neither loses a notification nor enqueues one twice, and two notifiers sharing a database
 * never both enqueue one (the cursor move is guarded). Passes never overlap.
 */
export class Notifier {
  readonly #opts: NotifierOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | null = null;

  constructor(opts: NotifierOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#opts.pollMs ?? 2000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass over the history not handled yet; returns how many mails it enqueued. */
  async runOnce(): Promise<number> {
    const batch = this.#opts.batch ?? 200;
    let enqueued = 0;
    for (;;) {
      const backlog = await this.#opts.store.notifierBacklog(batch);
      // History that needs no mail (most of it: creations, load starts) moves in one statement.
      const quiet = backlog.filter((job) => !job.events.some((event) => isNotified(event.event)));
      let moved = (await this.#opts.store.skipNotifierCursors(quiet.map(cursorMove))).length;
      for (const job of backlog.filter((b) => !quiet.includes(b))) {
        const count = await this.#handle(job);
        if (count !== null) moved++;
        enqueued += count ?? 0;
      }
      const lines = backlog.reduce((n, job) => n + job.events.length, 0);
      if (lines < batch || moved === 0) break;
    }
    if (enqueued > 0) this.#opts.outbox.enqueued();
    return enqueued;
  }

  #tick(): void {
    if (this.#running) return;
    this.#running = this.runOnce()
      .catch(this.#opts.onError)
      .finally(() => {
        this.#running = null;
      });
  }

  /** Enqueues the mails of one job's unhandled lines: how many, or null when its cursor did not move. */
  async #handle(backlog: NotifierBacklog): Promise<number | null> {
    const { store, outbox, stationCountry } = this.#opts;
    const last = backlog.events.at(-1);
    if (last === undefined) return null;
    const job = await store.getJob(backlog.jobId);
    if (job === null) return null;
    const account = await store.getAccount(job.owner);
    const recipients = recipientsOf(job, account?.emails ?? [], stationCountry);
    const messages: OutboxMessage[] = [];
    for (const event of backlog.events) {
      const notification = notificationFor(event, job);
      if (notification === null) continue;
      for (const to of recipients) {
        const date = (this.#opts.now ?? (() => new Date()))();
        messages.push(
          await outbox.compose({ kind: 'notification', jobId: job.jobId, to, date, ...notification }),
        );
      }
    }
    const moved = await store.advanceNotifierCursor(job.jobId, backlog.cursor, last.seq, messages);
    return moved ? messages.length : null;
  }
}

/** The move past all of a job's listed history. */
function cursorMove(backlog: NotifierBacklog): NotifierCursorMove {
  return { jobId: backlog.jobId, from: backlog.cursor, to: backlog.events.at(-1)?.seq ?? backlog.cursor };
}
