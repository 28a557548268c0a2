import { deviceGone, type BlockSource } from '../block-source.js';
import { fileChunks } from '../chunk-pool.js';
import { DeviceReadError } from '../port.js';
import { LruCache } from '../fat/lru-cache.js';
import { READ_AHEAD_MAX_READ, ReadAhead } from '../fat/read-ahead.js';
import { ExtCorruption, VolumeReadFailure } from './errors.js';

/**
 * The volume's bytes, read-only: exact reads of its source by byte or by block. Every failure is
 * a VolumeReadFailure; once the source says the device is gone, every later read fails at once
 * with that error (nothing more will read, and a dying USB bridge should not be hammered).
 */
export class VolumeIo {
  readonly source: BlockSource;
  readonly blockSize: number;
  /** Blocks the superblock declares: a block number at or above this is corrupt. */
  readonly blockCount: number;
  readonly #readAhead: ReadAhead;
  #gone: unknown = null;

  constructor(source: BlockSource, blockSize: number, blockCount: number) {
    this.source = source;
    this.blockSize = blockSize;
    this.blockCount = blockCount;
    this.#readAhead = new ReadAhead(source);
  }

  /** Reads up to this long may go through readSmall. */
  static readonly SMALL_READ_BYTES = READ_AHEAD_MAX_READ;

  /**
   * `length` bytes at `position` (at most SMALL_READ_BYTES) through a read-ahead of the blocks
   * around them, so that neighbouring small files and directories cost one source read between
   * them. The result may be a view lent by a cached block (ChunkPool.lend): never write into it,
   * and give it back with `fileChunks.give` once done with it (a view kept keeps the block out of
   * the pool). Throws as readInto.
   */
  async readSmall(position: number, length: number): Promise<Buffer> {
    if (this.#gone) throw new VolumeReadFailure(this.#gone, position, length);
    if (position + length > this.source.size) {
      // Past the end of a truncated device: no read-ahead (it cannot take a short block there).
      const bytes = Buffer.allocUnsafe(length);
      await this.readInto(bytes, 0, length, position);
      return bytes;
    }
    let bytes: Buffer;
    try {
      bytes = await this.#readAhead.read(position, length);
    } catch (err) {
      if (deviceGone(err)) this.#gone ??= err;
      throw new VolumeReadFailure(err, position, length);
    }
    if (bytes.length < length) throw this.#truncated(position, bytes.length, length);
    return bytes;
  }

  /**
   * The bytes at `position` when the read-ahead holds them already (a view lent, as readSmall's),
   * else null.
   */
  peekSmall(position: number, length: number): Buffer | null {
    return this.#gone ? null : this.#readAhead.peek(position, length);
  }

  /** Drops the read-ahead's blocks (on close; see ReadAhead.clear). */
  clear(): void {
    this.#readAhead.clear();
  }

  /** The device-gone error once seen, else null. */
  get gone(): unknown {
    return this.#gone;
  }

  /**
   * Fills buffer[offset, offset + length) with the volume's bytes at `position`. Throws
   * VolumeReadFailure: the source's error, or EIO when the device ends before the range does.
   */
  async readInto(buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
    if (this.#gone) throw new VolumeReadFailure(this.#gone, position, length);
    let got: number;
    try {
      got = await this.source.read(buffer, offset, length, position);
    } catch (err) {
      if (deviceGone(err)) this.#gone ??= err;
      throw new VolumeReadFailure(err, position, length);
    }
    if (got < length) throw this.#truncated(position, got, length);
  }

  #truncated(position: number, got: number, length: number): VolumeReadFailure {
    const end = position + got;
    const cause = new DeviceReadError({
      code: 'EIO',
      operation: 'read',
      path: this.source.name,
      scope: 'device',
      offset: end,
      message: `${this.source.name} ends at byte ${end}, inside the ext volume (a truncated device)`,
    });
    return new VolumeReadFailure(cause, position, length);
  }

  /** `count` blocks from block `first`, in a new buffer. Throws VolumeReadFailure. */
  async readBlocks(first: number, count: number): Promise<Buffer> {
    const bytes = Buffer.allocUnsafe(count * this.blockSize);
    await this.readInto(bytes, 0, bytes.length, first * this.blockSize);
    return bytes;
  }

  /** Throws ExtCorruption unless blocks [first, first + count) lie inside the volume. */
  checkBlocks(first: number, count: number, what: string): void {
    if (first < 1 || count < 0 || first + count > this.blockCount) {
      const range = count > 1 ? `blocks ${first}..${first + count - 1}` : `block ${first}`;
      throw new ExtCorruption(`${what} points to ${range}, outside the volume (1..${this.blockCount - 1})`);
    }
  }
}

/** A span of blocks read whole, or the mark that it could not be (its blocks are read one by one). */
type Span = Buffer | 'failed';

/**
 * A small LRU of metadata (inode tables, group descriptors, indirect blocks, extent nodes), read
 * in aligned spans of several blocks so that neighbours come with one source read. When a span
 * cannot be read whole, its blocks are read one at a time, so a bad sector fails only the block
 * that holds it. Memory: `spanBytes * capacity`, whatever the volume's size. Throws
 * VolumeReadFailure, or ExtCorruption for a block outside the volume.
 */
export class MetadataCache {
  readonly #io: VolumeIo;
  readonly #spanBlocks: number;
  readonly #spans: LruCache<number, Span>;
  readonly #singles: LruCache<number, Buffer | VolumeReadFailure>;
  readonly #loading = new Map<number, Promise<Span>>();
  readonly #throughReadAhead: boolean;

  /**
   * `throughReadAhead`: a span the volume's read-ahead holds already is copied out of it
   * (VolumeIo.peekSmall) instead of being read. For metadata that lies among file data (ext2/ext3
   * indirect blocks sit next to their file's blocks): when small files are read one after the
   * other, the read-ahead that brought the previous file holds the next one's indirect block,
   * where a span of its own costs a read per file (measured on 20,000 files of 4-64 KiB: 330 ms
   * of 8.5 s). Large files are read around the read-ahead, so their map spans are still read.
   */
  constructor(
    io: VolumeIo,
    spanBytes: number,
    capacity: number,
    options: { throughReadAhead?: boolean } = {},
  ) {
    this.#io = io;
    this.#throughReadAhead = options.throughReadAhead ?? false;
    this.#spanBlocks = Math.max(1, Math.floor(spanBytes / io.blockSize));
    this.#spans = new LruCache(capacity);
    this.#singles = new LruCache(Math.max(16, capacity));
  }

  /** Block `n` (a view: never write into it). */
  async block(n: number, what: string): Promise<Buffer> {
    this.#io.checkBlocks(n, 1, what);
    const index = Math.floor(n / this.#spanBlocks);
    const span = this.#spans.get(index) ?? (await this.#load(index));
    if (span !== 'failed') {
      const at = (n - index * this.#spanBlocks) * this.#io.blockSize;
      return span.subarray(at, at + this.#io.blockSize);
    }
    return this.#single(n);
  }

  /** Drops everything cached. */
  clear(): void {
    this.#spans.clear();
    this.#singles.clear();
  }

  #load(index: number): Promise<Span> {
    let pending = this.#loading.get(index);
    if (!pending) {
      pending = this.#readSpan(index).finally(() => this.#loading.delete(index));
      this.#loading.set(index, pending);
    }
    return pending;
  }

  async #readSpan(index: number): Promise<Span> {
    const first = index * this.#spanBlocks;
    const count = Math.min(this.#spanBlocks, this.#io.blockCount - first);
    let span: Span;
    try {
      const held = this.#throughReadAhead
        ? this.#io.peekSmall(first * this.#io.blockSize, count * this.#io.blockSize)
        : null;
      span = held ? Buffer.from(held) : await this.#io.readBlocks(first, count);
      if (held) fileChunks.give([held]); // copied: the read-ahead may use its block again
    } catch (err) {
      if (this.#io.gone) throw err;
      span = 'failed';
    }
    this.#spans.set(index, span);
    return span;
  }

  async #single(n: number): Promise<Buffer> {
    let block = this.#singles.get(n);
    if (block === undefined) {
      try {
        block = await this.#io.readBlocks(n, 1);
      } catch (err) {
        if (this.#io.gone || !(err instanceof VolumeReadFailure)) throw err;
        block = err;
      }
      this.#singles.set(n, block);
    }
    if (block instanceof VolumeReadFailure) throw block;
    return block;
  }
}
