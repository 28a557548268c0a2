import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { WriteBatcher, type Linger } from '../write-batcher.js';

// The "started" journal of a load (`loads/<JOBID>/started.jsonl`): one JSON line per file, written
// BEFORE its upload starts, and one more with the multipart upload ID once there is one. After a
// crash, a file that is in the journal but has no log row may be in the bucket already: the
// resumed load checks it (HEAD + MD5) before sending it again. A file that is not in the journal
// was never sent. The journal is only appended to; a torn last line is ignored when read.
// It is fsynced with each checkpoint; between two, kill -9 keeps what was written (the OS has it),
// and after a power cut a missing line only costs a second upload of the same bytes.

/** What the journal says about one file. */
export interface JournalEntry {
  readonly path: string;
  readonly key: string;
  /** `single` (one PUT) or the part size of a multipart upload. */
  readonly partSize: number | null;
  /** Multipart upload IDs started for the file (normally at most one). */
  readonly uploadIds: readonly string[];
}

type JournalLine = { p: string; k: string; s: number | null } | { p: string; u: string };

/**
 * Lines wait up to 10 ms for others to share their write: an upload starts at most that much later,
 * and thousands of small files a second cost a few hundred writes instead of thousands.
 */
const JOURNAL_LINGER: Linger = { ms: 10, maxItems: 512 };

/** Appends journal lines; writes are queued (and batched) so lines never interleave. */
export class StartedJournal {
  private readonly lines: WriteBatcher<string>;

  private constructor(private readonly handle: FileHandle) {
    this.lines = new WriteBatcher((texts) => this.handle.appendFile(texts.join(''), 'utf8'), JOURNAL_LINGER);
  }

  /** Opens (creating) the journal for appending. Fs errors. */
  static async open(path: string): Promise<StartedJournal> {
    return new StartedJournal(await open(path, 'a'));
  }

  /** Records that the upload of `path` to `key` starts (partSize null: one PUT). Fs errors. */
  started(path: string, key: string, partSize: number | null): Promise<void> {
    return this.append({ p: path, k: key, s: partSize });
  }

  /** Records the multipart upload ID of `path`. Fs errors. */
  uploadStarted(path: string, uploadId: string): Promise<void> {
    return this.append({ p: path, u: uploadId });
  }

  /** Writes the lines waiting for company now (the caller knows no other line will come soon). */
  flush(): void {
    this.lines.flush();
  }

  /** Flushes queued lines to the disk. */
  sync(): Promise<void> {
    return this.lines.after(() => this.handle.sync());
  }

  /** Syncs and closes. Safe to call twice. */
  async close(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private append(line: JournalLine): Promise<void> {
    return this.lines.add(`${JSON.stringify(line)}\n`);
  }
}

/**
 * The journal's entries for the files `wanted` accepts (the resumed load passes the files without
 * a log row), read line by line. A missing journal is empty; unparsable lines are skipped.
 */
export async function readJournal(
  path: string,
  wanted: (path: string) => boolean,
): Promise<Map<string, JournalEntry>> {
  const entries = new Map<
    string,
    { path: string; key: string; partSize: number | null; uploadIds: string[] }
  >();
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (handle === null) return entries;
  try {
    const lines = createInterface({
      input: handle.createReadStream({ encoding: 'utf8', autoClose: false }),
      crlfDelay: Infinity,
    });
    for await (const text of lines) {
      const line = parseLine(text);
      if (line === null || !wanted(line.p)) continue;
      if ('k' in line) {
        const known = entries.get(line.p);
        entries.set(line.p, {
          path: line.p,
          key: line.k,
          partSize: line.s,
          uploadIds: known?.uploadIds ?? [],
        });
      } else entries.get(line.p)?.uploadIds.push(line.u);
    }
  } finally {
    await handle.close();
  }
  return entries;
}

function parseLine(text: string): JournalLine | null {
  try {
    const line = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof line.p !== 'string') return null;
    if (typeof line.k === 'string' && (line.s === null || typeof line.s === 'number'))
      return { p: line.p, k: line.k, s: line.s };
    if (typeof line.u === 'string') return { p: line.p, u: line.u };
    return null;
  } catch {
    return null;
  }
}
