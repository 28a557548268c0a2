import type { ImportLogRow } from '../import-log/index.js';
import type { LoadProgress, LoadProgressEvent, LoadTotals } from './types.js';

// Progress of a load for the operator: files and bytes done against the totals (from the counting
// walk), the device read rate of this run and the time left at that rate. `progress` events are
// emitted at most every `everyMs`, plus once at the end; every row gets its own `file` event.

/** Collects what happens during a load and emits LoadProgressEvents. */
export class ProgressTracker {
  private readonly startedAt = Date.now();
  private totals: LoadTotals = { files: null, bytes: null };
  private filesDone = 0;
  private bytesDone = 0;
  private bytesDoneHere = 0;
  private bytesRead = 0;
  private errors = 0;
  private current: string | null = null;
  private lastEmit = 0;

  /** `emit` receives every event; a listener that throws is ignored (it must not stop a load). */
  constructor(
    private readonly emit: (event: LoadProgressEvent) => void,
    private readonly everyMs = 250,
  ) {}

  /** Sends an event to the listener. */
  send(event: LoadProgressEvent): void {
    try {
      this.emit(event);
    } catch {
      // a broken progress bar must not break the load
    }
  }

  /** Files and bytes that a resumed load found already logged. */
  resumedFrom(rows: number, errors: number): void {
    this.filesDone = rows;
    this.errors = errors;
  }

  /** The counting walk's result. */
  counted(totals: LoadTotals): void {
    this.totals = totals;
    this.send({ type: 'counted', totals });
  }

  /** A file with a row from before the crash, met again by the walk. */
  alreadyLogged(size: number): void {
    this.bytesDone += size;
    this.tick();
  }

  /** Bytes that came off the device. */
  read(count: number): void {
    this.bytesRead += count;
    this.tick();
  }

  /** The file being read now (null: none). */
  reading(path: string | null): void {
    this.current = path;
  }

  /** A row was written for a file of `size` bytes. */
  rowWritten(row: ImportLogRow, size: number, uploaded: boolean, detail: string | null): void {
    this.filesDone += 1;
    this.bytesDone += size;
    this.bytesDoneHere += size;
    if (row.status !== 200 && row.status !== 103) this.errors += 1;
    this.send({ type: 'file', row, uploaded, detail });
    this.tick();
  }

  /** The figures now. */
  snapshot(): LoadProgress {
    const elapsedSeconds = (Date.now() - this.startedAt) / 1000;
    const mbPerSecond = elapsedSeconds > 0 ? this.bytesRead / 1e6 / elapsedSeconds : 0;
    const doneRate = elapsedSeconds > 0 ? this.bytesDoneHere / elapsedSeconds : 0;
    const left = this.totals.bytes === null ? null : Math.max(0, this.totals.bytes - this.bytesDone);
    const etaSeconds = left === null ? null : left === 0 ? 0 : doneRate > 0 ? left / doneRate : null;
    return {
      filesDone: this.filesDone,
      bytesDone: this.bytesDone,
      filesTotal: this.totals.files,
      bytesTotal: this.totals.bytes,
      bytesRead: this.bytesRead,
      errors: this.errors,
      currentFile: this.current,
      mbPerSecond,
      etaSeconds,
      elapsedSeconds,
    };
  }

  /** Emits a progress event now. */
  flush(): void {
    this.lastEmit = Date.now();
    this.send({ type: 'progress', progress: this.snapshot() });
  }

  private tick(): void {
    if (Date.now() - this.lastEmit >= this.everyMs) this.flush();
  }
}
