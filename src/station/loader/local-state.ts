import { access, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from '../../storage/port.js';
import type { LoadTicket } from '../port.js';
import { readJournal, StartedJournal, type JournalEntry } from './journal.js';
import { LogBook } from './log-book.js';

// The station's own record of a load, in `<workDir>/loads/<JOBID>/`: the import log being written
// (import-log.csv) and the started journal (started.jsonl). A fresh load starts both empty (a
// leftover folder from an earlier attempt is set aside, never deleted); a resumed one reopens them
// and works out which files must be checked against the bucket before being sent again.

/** Which files without a row a resumed load checks in the bucket before sending them. */
export interface ResumeChecks {
  /** none: a fresh load; journal: the files the journal names; all: every file (rows may be lost). */
  readonly mode: 'none' | 'journal' | 'all';
  /** Journal entries of the files without a row. */
  readonly journaled: ReadonlyMap<string, JournalEntry>;
  /** Unfinished multipart uploads by key, not (yet) aborted: aborted when their file is redone. */
  readonly stale: Map<string, string[]>;
}

/** The local files of a load, opened. */
export interface LocalState {
  readonly dir: string;
  readonly book: LogBook;
  readonly journal: StartedJournal;
  /** Files that already have a row. */
  readonly logged: ReadonlySet<string>;
  readonly checks: ResumeChecks;
  /** Why the local log was not trusted, if it was not. */
  readonly notes: readonly string[];
}

/** `<workDir>/loads/<JOBID>`. */
export function loadDir(workDir: string, jobId: string): string {
  return join(workDir, 'loads', jobId);
}

/** Opens (fresh) or reopens (ticket.resumed) the local log and journal of the ticket's job. Fs errors. */
export async function openLocalState(workDir: string, ticket: LoadTicket): Promise<LocalState> {
  const dir = loadDir(workDir, ticket.job.jobId);
  const logPath = join(dir, 'import-log.csv');
  const journalPath = join(dir, 'started.jsonl');
  if (!ticket.resumed) {
    if (await exists(dir)) await rename(dir, `${dir}.stale-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    const book = await LogBook.create(logPath);
    const journal = await StartedJournal.open(journalPath);
    const checks: ResumeChecks = { mode: 'none', journaled: new Map(), stale: new Map() };
    return { dir, book, journal, logged: new Set(), checks, notes: [] };
  }
  const hadLog = await exists(logPath);
  const hadJournal = await exists(journalPath);
  await mkdir(dir, { recursive: true });
  const reopened = await LogBook.reopen(logPath, ticket.checkpoint);
  const notes = [...reopened.notes];
  // No local log at all: files may have been stored before the crash without any trace here.
  if (!hadLog && notes.length === 0) notes.push('the local log is missing');
  if (!hadJournal && reopened.book.figures().rows > 0) notes.push('the started journal is missing');
  const journaled = await readJournal(journalPath, (path) => !reopened.logged.has(path));
  const journal = await StartedJournal.open(journalPath);
  const mode = notes.length === 0 ? 'journal' : 'all';
  const checks: ResumeChecks = { mode, journaled, stale: new Map() };
  return { dir, book: reopened.book, journal, logged: reopened.logged, checks, notes };
}

/**
 * Unfinished multipart uploads in the bucket after a crash: those the journal names are aborted
 * now; the others are kept by key in `checks.stale`, to be aborted when a file of this job with
 * that key is redone (other jobs may be loading into the same bucket). Storage errors.
 */
export async function sortStaleUploads(
  store: ObjectStore,
  bucket: string,
  checks: ResumeChecks,
  abort: (key: string, uploadId: string) => Promise<void>,
): Promise<void> {
  const ours = new Set([...checks.journaled.values()].flatMap((entry) => entry.uploadIds));
  for (const { key, uploadId } of await store.listMultipartUploads(bucket, '')) {
    if (ours.has(uploadId)) await abort(key, uploadId);
    else checks.stale.set(key, [...(checks.stale.get(key) ?? []), uploadId]);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
