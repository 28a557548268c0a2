import { randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, write, writeSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TEMP_PREFIX } from './layout.js';

/*
 * Crash-safe file writes: a temporary file in the target's own folder, written, fsynced, renamed
 * over the target, and the folder fsynced, so after a crash the target holds either its old bytes
 * or all of its new ones. A temporary folder does the same for a set of existing files moved in
 * by rename. Errors are Node's own (ENOSPC, EACCES...); callers map them.
 *
 * The calls that only touch the page cache and a folder (open, the write of a small body, close,
 * rename) are synchronous: each takes microseconds, where a trip through libuv's thread pool costs
 * tens of microseconds of CPU (two thread wake-ups, an event-loop wake-up, a promise), and a put
 * made sixteen such trips. fsync, which waits for the disk, and the writes of large bodies (which
 * the kernel may hold back while it flushes) go through the pool.
 */

/** Writes of at most this many bytes are synchronous; larger ones go through the thread pool. */
export const SYNC_WRITE_LIMIT = 256 * 1024;

const fsyncFd = promisify(fsync);
const writeFd = promisify(write);

/**
 * Bytes waiting in a temporary place. commit() is seal(), place() and an fsync of the target's
 * folder; callers that place several things in one folder seal them side by side and sync the
 * folder once. discard() undoes (never throws).
 */
export interface PendingBytes {
  /** Makes the bytes durable where they are (fsync). */
  seal(): Promise<void>;
  /** Closes what is open without an fsync: a flush of the whole file system will cover the bytes. */
  finish(): void;
  /** Renames the sealed bytes to `target` (same folder); durable once that folder is synced. */
  place(target: string): Promise<void>;
  commit(target: string): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Temporary names: random per process, counted within it (unique across the processes sharing a
 * store without 12 random bytes per name, 10 µs each).
 */
const PROCESS_TAG = randomBytes(9).toString('hex');
let tempCounter = 0;

/** A fresh temporary name in `dir`; the sweep removes what a crash leaves under such names. */
export function tempPath(dir: string): string {
  tempCounter += 1;
  return join(dir, `${TEMP_PREFIX}${PROCESS_TAG}-${tempCounter.toString(36)}`);
}

/** Makes a rename or removal in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A temporary file being filled; commit() moves it into place, discard() removes it. It holds a
 * raw descriptor: callers await each call before the next (discard never runs while a write or
 * seal is in flight, which could otherwise reach a descriptor number reused meanwhile).
 */
export class TempFile implements PendingBytes {
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates an empty temporary file in `dir` (which must exist). */
  static async create(dir: string): Promise<TempFile> {
    const path = tempPath(dir);
    return new TempFile(path, openSync(path, 'wx', 0o644));
  }

  /**
   * A temporary file in `dir` holding `bytes`, whole or in chunks written one after the other
   * (not yet fsynced); removed again if writing fails.
   */
  static async holding(dir: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<TempFile> {
    const temp = await TempFile.create(dir);
    try {
      for (const chunk of bytes instanceof Uint8Array ? [bytes] : bytes) await temp.append(chunk);
      return temp;
    } catch (error) {
      await temp.discard();
      throw error;
    }
  }

  /** Appends bytes (loops until all are written); synchronously up to SYNC_WRITE_LIMIT. */
  async append(bytes: Uint8Array): Promise<void> {
    const fd = this.openFd();
    let written = 0;
    while (written < bytes.length) {
      const length = bytes.length - written;
      written +=
        length <= SYNC_WRITE_LIMIT
          ? writeSync(fd, bytes, written, length)
          : (await writeFd(fd, bytes, written, length)).bytesWritten;
    }
  }

  /** fsyncs and closes the file. */
  async seal(): Promise<void> {
    await fsyncFd(this.openFd());
    this.close();
  }

  /** Closes the file without an fsync. */
  finish(): void {
    this.close();
  }

  /** Renames the sealed or finished file to `target` (same folder). */
  async place(target: string): Promise<void> {
    renameSync(this.path, target);
  }

  /** fsyncs, closes and renames the file to `target` (same folder), then fsyncs the folder. */
  async commit(target: string): Promise<void> {
    await this.seal();
    await this.place(target);
    await syncDir(dirname(target));
  }

  /** Closes and removes the file; never throws (used on the failure path). */
  async discard(): Promise<void> {
    try {
      this.close();
    } catch {
      // Already closed or failing: the file is removed all the same.
    }
    await rm(this.path, { force: true }).catch(() => undefined);
  }

  private openFd(): number {
    if (this.fd === null) throw Object.assign(new Error('temporary file already closed'), { code: 'EBADF' });
    return this.fd;
  }

  private close(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) closeSync(fd);
  }
}

/**
 * A temporary folder gathering existing files by rename (no byte is copied). Until commit() has
 * renamed the folder into place, discard() moves the files back where they came from, so a failed
 * gathering leaves its sources as they were. Renames need source and folder on one file system.
 */
export class TempFolder implements PendingBytes {
  private readonly moved: { from: string; to: string }[] = [];
  private placed = false;

  private constructor(readonly path: string) {}

  /** Creates an empty temporary folder in `dir` (which must exist). */
  static async create(dir: string): Promise<TempFolder> {
    const path = tempPath(dir);
    await mkdir(path, 0o755);
    return new TempFolder(path);
  }

  /** Renames the file `from` into the folder as `name`. */
  async adopt(from: string, name: string): Promise<void> {
    const to = join(this.path, name);
    await rename(from, to);
    this.moved.push({ from, to });
  }

  /** fsyncs the folder (the renames into it). */
  async seal(): Promise<void> {
    await syncDir(this.path);
  }

  /** Nothing to close: the folder's renames are covered by a flush of the whole file system. */
  finish(): void {}

  /** Renames the sealed or finished folder to `target` (same parent). */
  async place(target: string): Promise<void> {
    renameSync(this.path, target);
    this.placed = true;
  }

  /** fsyncs the folder, renames it to `target` (same parent), then fsyncs the parent. */
  async commit(target: string): Promise<void> {
    await this.seal();
    await this.place(target);
    await syncDir(dirname(target));
  }

  /** Moves the gathered files back and removes the folder, unless it was placed; never throws. */
  async discard(): Promise<void> {
    if (this.placed) return;
    for (const { from, to } of this.moved.reverse()) await rename(to, from).catch(() => undefined);
    this.moved.length = 0;
    await rm(this.path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Writes `bytes` to `target` atomically and durably (temp file, fsync, rename, fsync folder). */
export async function writeDurable(target: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temp = await TempFile.holding(dirname(target), bytes);
  try {
    await temp.commit(target);
  } catch (error) {
    await temp.discard();
    throw error;
  }
}

/** Node's error code of a failed fs call, or undefined. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs a synchronous fs call and returns null instead of throwing when the path does not exist. */
export function unlessMissingSync<T>(call: () => T): T | null {
  try {
    return call();
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return null;
    throw error;
  }
}

/** Runs an fs call and returns null instead of throwing when the path does not exist. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return null;
    throw error;
  }
}
