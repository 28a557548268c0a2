import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TEMP_PREFIX } from './layout.js';

/*
 * Crash-safe file writes: a temporary file in the target's own folder, written, fsynced, renamed
 * over the target, and the folder fsynced, so after a crash the target holds either its old bytes
 * or all of its new ones. A temporary folder does the same for a set of existing files moved in
 * by rename. Errors are Node's own (ENOSPC, EACCES...); callers map them.
 */

/** Bytes waiting in a temporary place: commit() moves them to their target, discard() undoes. */
export interface PendingBytes {
  commit(target: string): Promise<void>;
  discard(): Promise<void>;
}

/** A fresh temporary name in `dir`; the sweep removes what a crash leaves under such names. */
export function tempPath(dir: string): string {
  return join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
}

/** Makes a rename or removal in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A temporary file being filled; commit() moves it into place, discard() removes it. */
export class TempFile implements PendingBytes {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates an empty temporary file in `dir` (which must exist). */
  static async create(dir: string): Promise<TempFile> {
    const path = tempPath(dir);
    return new TempFile(path, await open(path, 'wx', 0o644));
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

  /** Appends bytes (loops until all are written). */
  async append(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  }

  /** fsyncs, closes and renames the file to `target` (same folder), then fsyncs the folder. */
  async commit(target: string): Promise<void> {
    await this.handle.sync();
    await this.handle.close();
    await rename(this.path, target);
    await syncDir(dirname(target));
  }

  /** Closes and removes the file; never throws (used on the failure path). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true }).catch(() => undefined);
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

  /** fsyncs the folder, renames it to `target` (same parent), then fsyncs the parent. */
  async commit(target: string): Promise<void> {
    await syncDir(this.path);
    await rename(this.path, target);
    this.placed = true;
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
