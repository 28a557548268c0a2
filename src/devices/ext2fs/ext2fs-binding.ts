import { reserveHeap } from './heap-budget.js';
import {
  ext2fsLibrary,
  OPEN_READ_ONLY,
  serialised,
  type Ext2fsDisk,
  type Ext2fsFileHandle,
  type Ext2fsStats,
  type Ext2fsVolume,
} from './ext2fs-library.js';

/** One open file, read sequentially (positional reads at >= 4 GiB wrap in the library). */
export interface Ext2fsFile {
  /** Reads the next bytes; 0 at the end. Throws Ext2fsError (EIO when the disk read failed). */
  readNext(buffer: Buffer, length: number): Promise<number>;
  close(): Promise<void>;
}

/** A mounted volume. Paths are raw bytes, absolute ('/a/b'), never decoded. */
export interface Ext2fsMount {
  lstat(path: Buffer): Promise<Ext2fsStats>;
  openReadOnly(path: Buffer): Promise<Ext2fsFile>;
  /** Unmounts; later calls throw VolumeClosedError instead of touching freed library state. */
  umount(): Promise<void>;
}

/** A call on a volume that was unmounted (EBADF). */
export class VolumeClosedError extends Error {
  readonly code = 'EBADF';

  constructor() {
    super('the ext volume is closed');
    this.name = 'VolumeClosedError';
  }
}

class MountedVolume implements Ext2fsMount {
  readonly #volume: Ext2fsVolume;
  readonly #releaseHeap: () => void;
  #closed = false;

  constructor(volume: Ext2fsVolume, releaseHeap: () => void) {
    this.#volume = volume;
    this.#releaseHeap = releaseHeap;
  }

  lstat(path: Buffer): Promise<Ext2fsStats> {
    return this.#call(() => ext2fsLibrary().lstat(this.#volume.fsPointer, path));
  }

  async openReadOnly(path: Buffer): Promise<Ext2fsFile> {
    const handle = await this.#call(() => this.#volume.promises.open(path, OPEN_READ_ONLY));
    return this.#file(handle);
  }

  async umount(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await serialised(() => ext2fsLibrary().umount(this.#volume));
    } finally {
      this.#releaseHeap();
    }
  }

  #file(handle: Ext2fsFileHandle): Ext2fsFile {
    return {
      readNext: (buffer, length) =>
        this.#call(async () => (await handle.read(buffer, 0, length, null)).bytesRead),
      close: () => this.#call(() => handle.close()),
    };
  }

  /** Queues a library call, refusing it once the volume is unmounted (checked when it runs). */
  #call<T>(call: () => Promise<T>): Promise<T> {
    return serialised(() => (this.#closed ? Promise.reject(new VolumeClosedError()) : call()));
  }
}

/**
 * Mounts the ext2/3/4 volume that `disk` holds, reserving `heapBytes` of the library's heap (see
 * heap-budget.ts) until umount. Throws HeapBudgetError (ENOMEM) when that does not fit, or the
 * library's Ext2fsError: EIO when the disk failed, 'UNKNOWN' with a libext2fs errcode (bad magic,
 * corrupt superblock...) otherwise.
 */
export async function mountExt2fs(disk: Ext2fsDisk, heapBytes: number): Promise<Ext2fsMount> {
  const releaseHeap = reserveHeap(heapBytes);
  try {
    const library = ext2fsLibrary();
    return new MountedVolume(await serialised(() => library.mount(disk, 0)), releaseHeap);
  } catch (err) {
    releaseHeap();
    throw err;
  }
}
