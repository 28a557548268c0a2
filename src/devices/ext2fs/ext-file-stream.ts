import { Readable } from 'node:stream';
import type { DeviceReadError } from '../port.js';
import { CHUNK_BYTES, type ReadOnlyCachedDisk } from './cached-disk.js';
import { extFailure } from './ext-errors.js';
import type { Ext2fsFile, Ext2fsMount } from './ext2fs-binding.js';
import { LIBRARY_READ_BYTES } from './ext2fs-library.js';

/** What a file stream reads through. */
export interface FileStreamContext {
  readonly mount: Ext2fsMount;
  readonly disk: ReadOnlyCachedDisk;
}

/**
 * A file's bytes from its start, read sequentially in pieces of LIBRARY_READ_BYTES (libext2fs
 * wraps positional reads at 4 GiB, so none are made), up to the size lstat gave (`expectedSize`).
 * Each read asks for one byte more than the bytes still expected, so a short answer ends the
 * file without an extra call (it matters for thousands of small files); a file that ends early
 * gives fewer bytes. The first failure destroys the stream with a DeviceReadError (operation
 * 'open' or 'read', offset = bytes read before it); nothing more is read after it.
 */
export class ExtFileStream extends Readable {
  readonly #ctx: FileStreamContext;
  readonly #rawPath: Buffer;
  readonly #path: string;
  readonly #expectedSize: number;
  #file: Ext2fsFile | null = null;
  #bytesRead = 0;

  constructor(ctx: FileStreamContext, rawPath: Buffer, path: string, expectedSize: number) {
    super({ highWaterMark: CHUNK_BYTES });
    this.#ctx = ctx;
    this.#rawPath = rawPath;
    this.#path = path;
    this.#expectedSize = expectedSize;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.#ctx.mount.openReadOnly(this.#rawPath).then(
      (file) => {
        this.#file = file;
        callback();
      },
      // Destroyed while opening (the reader closed): that error stands, not this one.
      (err: unknown) => callback(this.destroyed ? null : this.#failure('open', err)),
    );
  }

  override _read(): void {
    void this.#readNext();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const file = this.#file;
    this.#file = null;
    if (!file) return callback(error);
    file.close().then(
      () => callback(error),
      () => callback(error), // a close failure loses nothing: the bytes were already delivered
    );
  }

  async #readNext(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    const remaining = Math.max(0, this.#expectedSize - this.#bytesRead);
    const length = Math.min(LIBRARY_READ_BYTES, remaining + 1);
    const buffer = Buffer.allocUnsafe(length);
    let got: number;
    try {
      got = await file.readNext(buffer, length);
    } catch (err) {
      this.destroy(this.#failure('read', err));
      return;
    }
    // Never past the inode's size: for ext4 inline data the library reads to the end of the
    // inline area (60 bytes or more), not to i_size.
    const useful = Math.min(got, remaining);
    this.#bytesRead += useful;
    if (useful > 0) this.push(useful === length ? buffer : buffer.subarray(0, useful));
    if (got < length || this.#bytesRead >= this.#expectedSize) this.push(null);
  }

  #failure(operation: 'open' | 'read', err: unknown): DeviceReadError {
    return extFailure(this.#ctx.disk, operation, this.#path, err, { offset: this.#bytesRead });
  }
}
