import { deviceGone, readFailure, type BlockSource } from '../block-source.js';
import type { DeviceReadError } from '../port.js';
import type { Ext2fsDisk } from './ext2fs-library.js';

/** Aligned chunk size of the read cache: libext2fs asks for one 4 KiB block at a time. */
export const CHUNK_BYTES = 1024 * 1024;
/** Chunks kept (64 MiB): enough for ext2/ext3 indirect blocks to stay cached while a file reads. */
export const CACHE_CHUNKS = 64;

function readOnlyError(operation: string): Error {
  return Object.assign(new Error(`${operation} refused: customer devices are read-only`), {
    code: 'EROFS',
  });
}

/**
 * The disk libext2fs sees: read-only, with an LRU cache of aligned 1 MiB chunks of the source.
 * When a chunk cannot be read whole (a bad sector), reads in it fall back to their exact range,
 * so only the blocks that cover the bad bytes fail. `write` and `discard` throw EROFS (and are
 * counted); `flush` does nothing. Failures are kept: `gone` is set once the device is gone, and
 * from then on every read fails at once with that error.
 */
export class ReadOnlyCachedDisk implements Ext2fsDisk {
  /** write/discard calls refused so far (a correct reader leaves this at 0). */
  writesAttempted = 0;
  /** The source's device-gone error, once seen. */
  gone: DeviceReadError | null = null;
  /** The most recent read failure, for error messages. */
  lastFailure: DeviceReadError | null = null;

  readonly #source: BlockSource;
  readonly #chunks = new Map<number, Promise<Buffer | null>>();
  readonly #badChunks = new Set<number>();
  #lastMiss = -2;

  constructor(source: BlockSource) {
    this.#source = source;
  }

  /** Fills `buffer` with `length` bytes at `position`; zeros past the end of the source. */
  async read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number> {
    if (this.gone) throw this.gone;
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = Math.floor(at / CHUNK_BYTES);
      const within = at - index * CHUNK_BYTES;
      const n = Math.min(length - done, CHUNK_BYTES - within);
      const chunk = await this.#chunk(index);
      if (chunk) chunk.copy(buffer, bufferOffset + done, within, within + n);
      else await this.#readExact(buffer, bufferOffset + done, n, at);
      done += n;
    }
    return length;
  }

  async write(): Promise<number> {
    this.writesAttempted += 1;
    throw readOnlyError('write');
  }

  async discard(): Promise<void> {
    this.writesAttempted += 1;
    throw readOnlyError('discard');
  }

  async flush(): Promise<void> {}

  /** Drops the cached chunks. */
  clear(): void {
    this.#chunks.clear();
  }

  /** The cached chunk, or null when it cannot be read whole (read its parts exactly instead). */
  #chunk(index: number): Promise<Buffer | null> {
    const cached = this.#chunks.get(index);
    if (cached) {
      this.#chunks.delete(index); // re-insert: Map order is the LRU order
      this.#chunks.set(index, cached);
      return cached;
    }
    if (this.#badChunks.has(index)) return Promise.resolve(null);
    const loading = this.#startLoad(index);
    if (index === this.#lastMiss + 1) this.#prefetch(index + 1);
    this.#lastMiss = index;
    return loading;
  }

  /**
   * Sequential misses (a big file) load the next chunk in the background, so the source's read
   * overlaps libext2fs's work on this one instead of stalling it once per MiB.
   */
  #prefetch(index: number): void {
    if (index * CHUNK_BYTES >= this.#source.size) return;
    if (this.#chunks.has(index) || this.#badChunks.has(index)) return;
    this.#startLoad(index);
  }

  #startLoad(index: number): Promise<Buffer | null> {
    const loading = this.#loadChunk(index);
    loading.catch(() => undefined); // an evicted or prefetched load may fail unobserved
    this.#chunks.set(index, loading);
    if (this.#chunks.size > CACHE_CHUNKS) {
      const oldest = this.#chunks.keys().next().value as number;
      this.#chunks.delete(oldest);
    }
    return loading;
  }

  async #loadChunk(index: number): Promise<Buffer | null> {
    const start = index * CHUNK_BYTES;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    try {
      const wanted = Math.max(0, Math.min(CHUNK_BYTES, this.#source.size - start));
      const got = await this.#source.read(chunk, 0, wanted, start);
      return chunk.fill(0, got);
    } catch (err) {
      this.#chunks.delete(index);
      this.#noteFailure(err, start);
      if (this.gone) throw this.gone;
      this.#badChunks.add(index);
      return null;
    }
  }

  async #readExact(buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
    const wanted = Math.max(0, Math.min(length, this.#source.size - position));
    try {
      const got = await this.#source.read(buffer, offset, wanted, position);
      buffer.fill(0, offset + got, offset + length);
    } catch (err) {
      throw this.#noteFailure(err, position);
    }
  }

  #noteFailure(err: unknown, position: number): DeviceReadError {
    const failure = readFailure(this.#source.name, position, err);
    this.lastFailure = failure;
    if (deviceGone(failure)) this.gone = failure;
    return failure;
  }
}
