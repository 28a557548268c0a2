import { rename, stat, truncate } from 'node:fs/promises';
import {
  formatImportLogRow,
  ImportLogFormatError,
  ImportLogWriter,
  isErrorStatus,
  type ImportLogRow,
} from '../import-log/index.js';
import type { LoadCheckpoint } from '../port.js';
import type { Linger } from '../write-batcher.js';
import { tallyLog } from './log-tally.js';

// The local import log of a load with its running figures. Counters move when a row is handed to
// the writer, so a checkpoint's figures are exactly those of the rows its fsync covers.
//
// Resuming (the design the crash tests check): kill -9 loses nothing the station wrote, because
// the OS keeps the written pages (rows still waiting for their write, at most ROW_LINGER's worth,
// die with the process; their files are in the journal, so they are checked again); so the LOCAL LOG IS THE TRUTH and the control plane's checkpoint
// is only a floor (the rows that were certainly fsynced). The log is cut back to the checkpoint
// only when it is damaged beyond a torn last row (a power cut can leave garbage after the last
// fsync): what follows the floor then cannot be trusted. Whenever rows may have been lost (the
// log was cut back, is shorter than the floor, or is gone), the journal cannot be trusted to name
// every file that reached the bucket either, so the resumed load checks every file without a row
// against the bucket (`trusted: false`).

/** A log reopened for a resumed load. */
export interface ReopenedLog {
  readonly book: LogBook;
  /** Files that have a row: the resumed load skips them. */
  readonly logged: Set<string>;
  /** False when rows may be missing: then every file without a row is checked in the bucket. */
  readonly trusted: boolean;
  /** Why the log was not trusted, for the operator. */
  readonly notes: readonly string[];
}

/**
 * Rows wait up to 100 ms (or until 1024 are waiting) to share a write. A row not yet written when
 * the station is killed is not lost: its file is in the started journal, so the resumed load
 * checks it in the bucket and writes the row then.
 */
const ROW_LINGER: Linger = { ms: 100, maxItems: 1024 };

/** The import log being written, and its figures (rows, errors, stored files and bytes). */
export class LogBook {
  /** The first write that failed: every later add and sync rejects with it. */
  private failure: unknown = null;

  private constructor(
    private readonly writer: ImportLogWriter,
    private counts: LoadCheckpoint,
  ) {}

  /** A new log at `path` (its header written). EEXIST when there is one. */
  static async create(path: string): Promise<LogBook> {
    const writer = await ImportLogWriter.create(path, ROW_LINGER);
    return new LogBook(writer, { logBytes: writer.size(), rows: 0, files: 0, bytes: 0, errors: 0 });
  }

  /**
   * Reopens the log of an interrupted load (or starts one), given the last checkpoint the control
   * plane kept. Fs errors; a damaged log is cut back to the floor or set aside, never thrown.
   */
  static async reopen(path: string, floor: LoadCheckpoint | null): Promise<ReopenedLog> {
    const notes: string[] = [];
    const resumed = await ImportLogWriter.resume(path, ROW_LINGER).catch(async (error: unknown) => {
      if (!(error instanceof ImportLogFormatError)) throw error;
      notes.push(`the local log was damaged (${error.message})`);
      return salvage(path, floor, notes);
    });
    if (floor !== null && resumed.writer.size() < floor.logBytes) {
      notes.push(
        `the local log has ${resumed.writer.size()} bytes, fewer than the ${floor.logBytes} of the last checkpoint`,
      );
    }
    const tally = await tallyLog(path);
    const counts = { ...tally, logBytes: resumed.writer.size() };
    const book = new LogBook(resumed.writer, counts);
    return { book, logged: resumed.logged, trusted: notes.length === 0, notes };
  }

  /**
   * Appends a row; the figures count it at once. Resolves without waiting for the write (`sync`
   * waits); rejects with the file system's error of an earlier write.
   */
  add(row: ImportLogRow): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const c = this.counts;
    const ok = row.status === 200;
    this.counts = {
      logBytes: c.logBytes + Buffer.byteLength(formatImportLogRow(row), 'utf8'),
      rows: c.rows + 1,
      files: c.files + (ok ? 1 : 0),
      bytes: c.bytes + (ok ? (row.bytes ?? 0) : 0),
      errors: c.errors + (isErrorStatus(row.status) ? 1 : 0),
    };
    this.writer.append(row).catch((error: unknown) => (this.failure ??= error));
    return Promise.resolve();
  }

  /** Fsyncs every row added so far; resolves with their figures (what a checkpoint reports). */
  async sync(): Promise<LoadCheckpoint> {
    const figures = this.counts;
    await this.writer.checkpoint();
    return figures;
  }

  /** The figures of every row added so far. */
  figures(): LoadCheckpoint {
    return this.counts;
  }

  /** Where the log is. */
  get path(): string {
    return this.writer.path;
  }

  /** Writes, fsyncs and closes the log. Safe to call twice. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

/** A damaged log: cut back to the checkpoint's fsynced bytes if that helps, else set aside. */
async function salvage(path: string, floor: LoadCheckpoint | null, notes: string[]) {
  const size = (await stat(path)).size;
  if (floor !== null && floor.logBytes > 0 && size >= floor.logBytes) {
    await truncate(path, floor.logBytes);
    notes.push(`it was cut back to the ${floor.logBytes} bytes of the last checkpoint`);
    try {
      return await ImportLogWriter.resume(path, ROW_LINGER);
    } catch (error) {
      if (!(error instanceof ImportLogFormatError)) throw error;
    }
  }
  const aside = `${path}.damaged-${Date.now()}`;
  await rename(path, aside);
  notes.push(`it was set aside as ${aside} and a new log started`);
  return ImportLogWriter.resume(path, ROW_LINGER);
}
