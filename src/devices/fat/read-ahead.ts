import { deviceGone, type BlockSource } from '../block-source.js';
import { fileChunks } from '../chunk-pool.js';
import { LruCache } from './lru-cache.js';

/** Reads at most this long go through the read-ahead blocks; longer ones go straight through. */
export const READ_AHEAD_MAX_READ = 64 * 1024;
/**
 * Size of a read-ahead block. 1 MiB, not Linux's 128 KiB: every source read costs a hand-over to
 * a thread and back, and on 20,000 files of 4-64 KiB 1 MiB blocks cut the loader's CPU by 6%.
 */
export const READ_AHEAD_BLOCK_BYTES = 1024 * 1024;
const BLOCK_BYTES = READ_AHEAD_BLOCK_BYTES;
/** Blocks kept: 8 MiB. */
const CACHED_BLOCKS = 8;
/** After this many block loads, read-ahead must have served a quarter of what it loaded. */
const JUDGE_AFTER_LOADS = 32;
/** Small reads done directly before read-ahead is tried again, once it did not pay. */
const DIRECT_READS_AFTER_MISS = 256;

/** A block, or the failure it gave (its reads then go straight to the source). */
type Block = Buffer | { readonly failure: unknown };

/**
 * Read-ahead for small reads (a small file is one small read): it reads 1 MiB aligned blocks
 * and keeps the last 8, so neighbouring small files cost one source read between them; larger
 * reads take what cached blocks hold and read the rest straight from the source. A block
 * that fails to read is remembered and its reads go straight to the source, so a bad sector
 * fails only the reads that touch it, with their exact offset. When read-ahead stops paying
 * (files scattered over the device) it is switched off for a while. Errors are the source's.
 */
export class ReadAhead {
  readonly #source: BlockSource;
  /** Dropped blocks go back to the pool once the views lent of them are back. */
  readonly #blocks = new LruCache<number, Block>(CACHED_BLOCKS, (block) => {
    if (Buffer.isBuffer(block)) fileChunks.retire(block);
  });
  readonly #loading = new Map<number, Promise<Block>>();
  #loads = 0;
  #served = 0;
  #directLeft = 0;

  constructor(source: BlockSource) {
    this.#source = source;
  }

  /**
   * The `length` bytes at `position`; fewer only at the end of the source. A read inside one
   * cached block is a view lent of it (never write into it; give it back with fileChunks.give
   * once done, so the block can return to the pool when dropped); otherwise a new buffer takes
   * what cached blocks hold, a small remainder loads its block, the rest comes straight from
   * the source.
   */
  async read(position: number, length: number): Promise<Buffer> {
    const index = Math.floor(position / BLOCK_BYTES);
    const block = this.#blocks.get(index);
    const start = position - index * BLOCK_BYTES;
    if (Buffer.isBuffer(block) && start + length <= block.length) {
      this.#served += length;
      return fileChunks.lend(block, start, start + length); // a view, as fs streams hand out pool slices
    }
    return this.#assemble(position, length);
  }

  /**
   * The `length` bytes at `position` when one cached block holds them all (a view: never write
   * into it), else null. Reads nothing.
   */
  peek(position: number, length: number): Buffer | null {
    const index = Math.floor(position / BLOCK_BYTES);
    const block = this.#blocks.get(index);
    const start = position - index * BLOCK_BYTES;
    if (!Buffer.isBuffer(block) || start + length > block.length) return null;
    this.#served += length;
    return fileChunks.lend(block, start, start + length);
  }

  /** Drops the cached blocks (on close): each returns to the chunk pool once its views are back. */
  clear(): void {
    this.#blocks.clear();
  }

  async #assemble(position: number, length: number): Promise<Buffer> {
    const out = length === fileChunks.chunkBytes ? fileChunks.take() : Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = Math.floor(at / BLOCK_BYTES);
      let block = this.#blocks.get(index);
      if (block === undefined && length - done <= READ_AHEAD_MAX_READ && !this.#resting()) {
        block = await this.#load(index);
      }
      if (block === undefined || !Buffer.isBuffer(block)) {
        const got = await this.#source.read(out, done, length - done, at);
        return done + got < length ? out.subarray(0, done + got) : out;
      }
      const offset = at - index * BLOCK_BYTES;
      if (offset >= block.length) return out.subarray(0, done); // the source ends inside this block
      const copied = block.copy(out, done, offset);
      this.#served += copied;
      done += copied;
    }
    return out;
  }

  /** True while read-ahead is off because it did not pay. */
  #resting(): boolean {
    if (this.#directLeft > 0) {
      this.#directLeft--;
      return true;
    }
    if (this.#loads >= JUDGE_AFTER_LOADS) {
      const paid = this.#served * 4 >= this.#loads * BLOCK_BYTES;
      this.#loads = 0;
      this.#served = 0;
      if (!paid) {
        this.#directLeft = DIRECT_READS_AFTER_MISS;
        return true;
      }
    }
    return false;
  }

  #load(index: number): Promise<Block> {
    let pending = this.#loading.get(index);
    if (pending === undefined) {
      pending = this.#readBlock(index).finally(() => this.#loading.delete(index));
      this.#loading.set(index, pending);
    }
    return pending;
  }

  async #readBlock(index: number): Promise<Block> {
    const position = index * BLOCK_BYTES;
    const size = Math.max(0, Math.min(BLOCK_BYTES, this.#source.size - position));
    const bytes = size === fileChunks.chunkBytes ? fileChunks.take() : Buffer.allocUnsafe(size);
    let block: Block;
    try {
      const got = await this.#source.read(bytes, 0, bytes.length, position);
      block = got < bytes.length ? bytes.subarray(0, got) : bytes;
      this.#loads++;
    } catch (err) {
      if (deviceGone(err)) throw err;
      block = { failure: err };
    }
    this.#blocks.set(index, block);
    return block;
  }
}
