import { createRequire } from 'node:module';

/**
 * The small part of npm `ext2fs` 4.2.5 (libext2fs in WASM; CommonJS, untyped) that the ext
 * reader uses, typed here, and the queue every call to it goes through.
 */

/** The disk object libext2fs reads from; an exception in `read` becomes EIO of that call only. */
export interface Ext2fsDisk {
  read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number>;
  write(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number>;
  discard(position: number, length: number): Promise<void>;
  flush(): Promise<void>;
}

/** An error from the library: `code` is a POSIX name, or 'UNKNOWN' for a libext2fs errcode. */
export interface Ext2fsError extends Error {
  code?: string;
  errno?: number;
}

/** What lstat gives: only the fields the reader needs. */
export interface Ext2fsStats {
  readonly mode: number;
  readonly size: number;
  readonly mtime: Date;
}

/** The package's FileHandle (fs.promises.open). */
export interface Ext2fsFileHandle {
  read(buffer: Buffer, offset: number, length: number, position: null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** A volume as the package's mount() returns it. */
export interface Ext2fsVolume {
  readonly fsPointer: number;
  readonly promises: { open(path: Buffer, flags: number): Promise<Ext2fsFileHandle> };
}

interface Ext2fsModule {
  mount(disk: Ext2fsDisk, offset: number): Promise<Ext2fsVolume>;
  umount(fs: Ext2fsVolume): Promise<void>;
}

interface Ext2fsUtil {
  withHooks<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
  usePath(path: Buffer): Promise<number>;
}

interface Ext2fsBinding {
  open(fsPointer: number, pathPointer: number, flags: number, mode: number): Promise<number>;
  close(file: number): Promise<number>;
  stat_i_mode(file: number): Promise<number>;
  stat_i_size(file: number): Promise<number>;
  stat_i_mtime(file: number): Promise<number>;
}

/**
 * The most one read asks of the library: it mallocs the whole request in its fixed 16 MiB WASM
 * heap, which the volume's bitmaps share (1 MiB requests ran out of heap on a 256 GiB volume).
 */
export const LIBRARY_READ_BYTES = 256 * 1024;

/** O_RDONLY (0) | O_NOATIME: without O_NOATIME every read writes the inode's atime back. */
export const OPEN_READ_ONLY = 0 | 262144;
/** The same, not following a final symlink: lstat. */
const OPEN_NO_FOLLOW = OPEN_READ_ONLY | 131072;

/** The library's entry points, loaded. */
export interface Ext2fsLibrary {
  mount(disk: Ext2fsDisk, offset: number): Promise<Ext2fsVolume>;
  umount(fs: Ext2fsVolume): Promise<void>;
  /** lstat by raw path (the package's own lstat makes 11 inode calls; this makes 3). */
  lstat(fsPointer: number, path: Buffer): Promise<Ext2fsStats>;
}

let loaded: Ext2fsLibrary | null = null;

/**
 * The library, loaded on first use (not at import time). Its readdir is not used: it ignores
 * {encoding:'buffer'} and leaks a file structure per call in a heap that cannot grow.
 */
export function ext2fsLibrary(): Ext2fsLibrary {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const lib = require('ext2fs') as Ext2fsModule;
  const util = require('ext2fs/lib/util.js') as Ext2fsUtil;
  const binding = require('ext2fs/lib/binding.js') as Ext2fsBinding;
  const lstat = util.withHooks(async (fsPointer: number, path: Buffer) => {
    const file = await binding.open(fsPointer, await util.usePath(path), OPEN_NO_FOLLOW, 0);
    try {
      const mode = await binding.stat_i_mode(file);
      const size = await binding.stat_i_size(file);
      const mtime = new Date((await binding.stat_i_mtime(file)) * 1000);
      return { mode, size, mtime };
    } finally {
      await binding.close(file);
    }
  });
  loaded = { mount: lib.mount, umount: lib.umount, lstat };
  return loaded;
}

let queueTail: Promise<unknown> = Promise.resolve();

/**
 * Runs `call` after every earlier library call has settled. The library runs one WASM instance
 * and keeps per-call scratch state in module globals, so two calls must never overlap, whichever
 * volume they belong to.
 */
export function serialised<T>(call: () => Promise<T>): Promise<T> {
  const result = queueTail.then(call, call);
  queueTail = result.catch(() => undefined);
  return result;
}
