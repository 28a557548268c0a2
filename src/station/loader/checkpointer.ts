import type { LoadCheckpoint, StationLoadControl } from '../port.js';
import type { StartedJournal } from './journal.js';
import type { LogBook } from './log-book.js';
import type { ProgressTracker } from './progress.js';

// Every `everyMs` (and at the end): fsync the journal and the log, then tell the control plane the
// figures of the fsynced rows (control.checkpoint). Its answer says whether the customer canceled
// the job. A failed call to the control plane is a warning (the next one will carry the figures);
// a failed fsync stops the load (rows could be lost).

/** What the checkpointer needs. */
export interface CheckpointerOptions {
  readonly control: StationLoadControl;
  readonly jobId: string;
  readonly book: LogBook;
  readonly journal: StartedJournal;
  readonly everyMs: number;
  readonly progress: ProgressTracker;
  readonly onCanceled: () => void;
  /** A local write failed: the load must stop. */
  readonly onFailure: (error: unknown) => void;
}

/** Takes checkpoints on a timer until stopped. */
export class Checkpointer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly opts: CheckpointerOptions) {}

  /** Starts the timer. */
  start(): void {
    if (this.stopped || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.take()
        .catch((error: unknown) => this.opts.onFailure(error))
        .finally(() => {
          this.running = null;
          this.start();
        });
    }, this.opts.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a checkpoint in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One checkpoint now. Resolves with the figures reported and whether the job was canceled.
   * Fsync errors reject; control-plane errors reject only when `mustReport`.
   */
  async take(mustReport = false): Promise<{ figures: LoadCheckpoint; canceled: boolean }> {
    const { book, journal, control, jobId, progress } = this.opts;
    await journal.sync();
    const figures = await book.sync();
    let canceled = false;
    try {
      canceled = (await control.checkpoint(jobId, figures)).canceled;
    } catch (error) {
      if (mustReport) throw error;
      progress.send({ type: 'warning', message: `the checkpoint could not be recorded: ${String(error)}` });
      return { figures, canceled };
    }
    progress.send({ type: 'checkpoint', checkpoint: figures, canceled });
    if (canceled) this.opts.onCanceled();
    return { figures, canceled };
  }
}
