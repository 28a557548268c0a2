import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileChunks, type ChunkSlab } from '../chunk-pool.js';
import { DeviceReadError } from '../port.js';
import { fsFailure } from './errors.js';

/** Bytes per chunk pushed downstream (and the stream's highWaterMark). */
export const CHUNK_BYTES = fileChunks.chunkBytes;

/**
 * Opens `raw` read-only without touching its atime. O_NOATIME needs ownership or CAP_FOWNER:
 * on EPERM the open is retried without it. Errors: the open's errno, as thrown by Node.
 */
export async function openNoAtime(raw: Buffer): Promise<FileHandle> {
  try {
    return await fsp.open(raw, constants.O_RDONLY | constants.O_NOATIME);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    return fsp.open(raw, constants.O_RDONLY);
  }
}

/**
 * A file's bytes from its start, read with positional reads. A read that spans a bad sector
 * returns short first (notes §5.1): the next read, at the bad offset, gives the EIO, so short
 * reads are looped on and the error names the exact offset. The stream ends at end of file; an
 * end before `expectedSize` (the size the walk listed) is an error too, because a FUSE mount
 * may take a short read for the end of the file.
 */
export class PositionalFileStream extends Readable {
  readonly #raw: Buffer;
  readonly #path: string;
  readonly #expectedSize: number;
  #handle: FileHandle | null = null;
  #position = 0;

  constructor(raw: Buffer, path: string, expectedSize: number) {
    super({ highWaterMark: CHUNK_BYTES });
    this.#raw = raw;
    this.#path = path;
    this.#expectedSize = expectedSize;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    openNoAtime(this.#raw).then(
      (handle) => {
        this.#handle = handle;
        callback();
      },
      (err: unknown) => callback(fsFailure(err, 'open', this.#path)),
    );
  }

  override _read(): void {
    this.#readChunk().then(
      (chunk) => {
        if (chunk.length > 0) this.push(chunk);
        else this.#finish();
      },
      (err: unknown) => this.destroy(err as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.#handle;
    this.#handle = null;
    if (!handle) return callback(error);
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }

  /** Fills up to one chunk, looping on short reads; empty at end of file. */
  async #readChunk(): Promise<Buffer> {
    const handle = this.#handle;
    if (!handle) return Buffer.alloc(0);
    const buffer = fileChunks.take();
    let filled = 0;
    while (filled < CHUNK_BYTES) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, filled, CHUNK_BYTES - filled, this.#position));
      } catch (err) {
        throw fsFailure(err, 'read', this.#path, this.#position);
      }
      if (bytesRead === 0) break;
      filled += bytesRead;
      this.#position += bytesRead;
    }
    if (filled === CHUNK_BYTES) return buffer;
    const last = Buffer.from(buffer.subarray(0, filled)); // a copy: the chunk goes back to the pool
    fileChunks.give([buffer]);
    return last;
  }

  #finish(): void {
    if (this.#position >= this.#expectedSize) {
      this.push(null);
      return;
    }
    this.destroy(
      new DeviceReadError({
        code: 'EIO',
        operation: 'read',
        path: this.#path,
        offset: this.#position,
        message: `read ${this.#path} failed: the file ended at byte ${this.#position} of ${this.#expectedSize}`,
      }),
    );
  }
}

/**
 * A small file (at most a chunk) read whole without a stream (DeviceReader.readWhole): its bytes
 * in a place cut from `slab`, read with one preadv that also asks for one byte more, so a file
 * that grew since the walk is seen (it comes back longer than `size`, which the loader refuses as
 * it refuses a stream that gives more). Short reads are looped on as in the stream; the errors are
 * the stream's.
 */
export async function readWholeFile(
  raw: Buffer,
  path: string,
  size: number,
  slab: ChunkSlab,
): Promise<Buffer[]> {
  let handle: FileHandle;
  try {
    handle = await openNoAtime(raw);
  } catch (err) {
    throw fsFailure(err, 'open', path);
  }
  try {
    const bytes = slab.place(size);
    const probe = Buffer.allocUnsafe(1);
    let filled = await readAt(handle, [bytes, probe], 0, path);
    if (filled === size) return [bytes]; // all of it, and nothing after it
    if (filled > size) return [bytes, probe]; // the file grew since the walk
    while (filled < size) {
      const got = await readAt(handle, [bytes.subarray(filled)], filled, path);
      if (got === 0) throw endedEarly(path, filled, size);
      filled += got;
    }
    filled += await readAt(handle, [probe], size, path);
    return filled > size ? [bytes, probe] : [bytes];
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readAt(handle: FileHandle, into: Buffer[], position: number, path: string): Promise<number> {
  try {
    return (await handle.readv(into, position)).bytesRead;
  } catch (err) {
    throw fsFailure(err, 'read', path, position);
  }
}

function endedEarly(path: string, at: number, size: number): DeviceReadError {
  return new DeviceReadError({
    code: 'EIO',
    operation: 'read',
    path,
    offset: at,
    message: `read ${path} failed: the file ended at byte ${at} of ${size}`,
  });
}
