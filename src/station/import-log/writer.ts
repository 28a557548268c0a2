import { open, truncate, type FileHandle } from 'node:fs/promises';
import { WriteBatcher, type Linger } from '../write-batcher.js';
import { readCompleteLog } from './log-reader.js';
import { formatImportLogRow, IMPORT_LOG_HEADER, isErrorStatus, type ImportLogRow } from './rows.js';

// The import log on the station's disk while a load runs (DECISIONS §6). Rows are appended as
// files finish (file opened with 'a'; writes queued so that concurrent callers never interleave,
// rows that arrive while a write runs batched into the next one), fsync'd on checkpoint(). After a crash, resume() drops a
// torn last row and says which files already have a row, so the resumed load writes each file's
// row exactly once. Uploading the finished log to the log bucket is the loader's job.

/** A log reopened after a crash. */
export interface ResumedImportLog {
  writer: ImportLogWriter;
  /** The File column of every row already in the log: the loader skips these files. */
  logged: Set<string>;
  /** Bytes cut from the end (a row without its CRLF); 0 when the log ended cleanly. */
  truncatedBytes: number;
}

/** Text to append and the rows (and error rows) it holds. */
interface Pending {
  readonly text: string;
  readonly rows: number;
  readonly errors: number;
}

/**
 * Appends import-log rows to a CSV file. Every method that writes rejects with the file system's
 * error (ENOSPC, EIO...); after a failed write the writer refuses further rows with that error, so
 * no row is silently lost. Writing after close() throws. With a `linger`, rows wait that long for
 * others to share their write (the promise of `append` settles once the row is written).
 */
export class ImportLogWriter {
  private readonly pending: WriteBatcher<Pending>;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    /** Where the log is. */
    readonly path: string,
    private bytes: number,
    private rows: number,
    private errors: number,
    linger: Linger | null,
  ) {
    this.pending = new WriteBatcher<Pending>((batch) => this.writeBatch(batch), linger);
  }

  /** Starts a new log with its header. Fails with EEXIST when the file is already there. */
  static async create(path: string, linger: Linger | null = null): Promise<ImportLogWriter> {
    const handle = await open(path, 'ax');
    const writer = new ImportLogWriter(handle, path, 0, 0, 0, linger);
    await writer.appendNow(IMPORT_LOG_HEADER);
    return writer;
  }

  /**
   * Reopens a log after a crash (or starts it when there is none): truncates a torn last row and
   * returns the files already logged. Throws ImportLogFormatError when the complete part of the
   * file is not an import log (it is left untouched then).
   */
  static async resume(path: string, linger: Linger | null = null): Promise<ResumedImportLog> {
    const contents = await readCompleteLog(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!contents)
      return { writer: await ImportLogWriter.create(path, linger), logged: new Set(), truncatedBytes: 0 };
    const keep = contents.hasHeader ? contents.completeBytes : 0;
    if (contents.fileBytes !== keep) await truncate(path, keep);
    const handle = await open(path, 'a');
    const writer = new ImportLogWriter(handle, path, keep, contents.rowCount, contents.errorCount, linger);
    if (!contents.hasHeader) await writer.appendNow(IMPORT_LOG_HEADER);
    return { writer, logged: contents.logged, truncatedBytes: contents.fileBytes - keep };
  }

  /** Appends one row (one write). */
  append(row: ImportLogRow): Promise<void> {
    return this.appendAll([row]);
  }

  /** Appends rows in one write (keep batches small: a crash may tear the last one's final row). */
  appendAll(rows: readonly ImportLogRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the import log ${this.path} is closed`));
    if (rows.length === 0) return this.pending.after(async () => {});
    const errors = rows.filter((row) => isErrorStatus(row.status)).length;
    return this.enqueue(rows.map(formatImportLogRow).join(''), rows.length, errors);
  }

  /** Waits for queued rows, then fsyncs the file: every row appended so far survives a power cut. */
  checkpoint(): Promise<void> {
    return this.pending.after(() => this.handle.sync());
  }

  /** Bytes in the file, header included (rows still being written are not counted yet). */
  size(): number {
    return this.bytes;
  }

  /** Rows written, header excluded (resumed rows included). */
  rowCount(): number {
    return this.rows;
  }

  /** Rows written whose status is neither 200 nor 103 (DECISIONS §2), resumed rows included. */
  errorCount(): number {
    return this.errors;
  }

  /** Writes what is queued, fsyncs and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return this.pending.after(async () => {}).catch(() => undefined);
    this.closed = true;
    try {
      await this.checkpoint();
    } finally {
      await this.handle.close();
    }
  }

  /** Writes `text` (no row) at once, without lingering. */
  private async appendNow(text: string): Promise<void> {
    const written = this.enqueue(text, 0, 0);
    await this.pending.after(async () => {});
    await written;
  }

  /** Queues a write; once one fails, every later one rejects with its error (no row is lost silently). */
  private enqueue(text: string, rows: number, errors: number): Promise<void> {
    return this.pending.add({ text, rows, errors });
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    await this.writeAll(Buffer.from(batch.map((item) => item.text).join(''), 'utf8'));
    for (const item of batch) {
      this.rows += item.rows;
      this.errors += item.errors;
    }
  }

  private async writeAll(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.bytes += bytesWritten;
    }
  }
}
