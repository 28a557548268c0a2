import { deviceGone, type BlockSource } from '../block-source.js';
import type { FatGeometry } from './boot-sector.js';
import { LruCache } from './lru-cache.js';

/** Bytes of the FAT read at once (a multiple of 4, so no FAT16/FAT32 entry straddles chunks). */
export const FAT_CHUNK_BYTES = 64 * 1024;
/** Chunks kept in memory: 64 × 64 KiB = 4 MiB, i.e. a million FAT32 entries. */
const CACHED_CHUNKS = 64;

/** A chunk, or the read failure every copy gave for it (kept so a bad sector is not retried). */
type Chunk = Buffer | { readonly failure: unknown };

/**
 * The file allocation table, read in cached 64 KiB chunks (a FAT32 table can be hundreds of
 * MB). A chunk that fails to read from one FAT copy is read from the next copy. `peek` answers
 * from the cache without waiting; `entry` reads the chunk when needed. Errors are the source's
 * DeviceReadError (scope `device`, offset in the volume) of the first copy that failed.
 */
export class FatTable {
  readonly #source: BlockSource;
  readonly #geometry: FatGeometry;
  readonly #chunks = new LruCache<number, Chunk>(CACHED_CHUNKS);
  readonly #loading = new Map<number, Promise<Chunk>>();

  constructor(source: BlockSource, geometry: FatGeometry) {
    this.#source = source;
    this.#geometry = geometry;
  }

  /** Byte offset of `cluster`'s entry within one FAT copy. */
  #entryOffset(cluster: number): number {
    const bits = this.#geometry.entryBits;
    return bits === 12 ? cluster + (cluster >> 1) : cluster * (bits / 8);
  }

  #decode(chunk: Buffer, cluster: number, offsetInChunk: number): number {
    switch (this.#geometry.entryBits) {
      case 12: {
        const pair = chunk.readUInt16LE(offsetInChunk);
        return cluster & 1 ? pair >> 4 : pair & 0x0fff;
      }
      case 16:
        return chunk.readUInt16LE(offsetInChunk);
      default:
        return chunk.readUInt32LE(offsetInChunk) & 0x0fffffff;
    }
  }

  /**
   * The FAT entry of `cluster` if its chunk is cached, else undefined. Throws the cached read
   * failure when every copy of the chunk failed. `cluster` must be ≤ geometry.maxCluster.
   */
  peek(cluster: number): number | undefined {
    const offset = this.#entryOffset(cluster);
    const chunk = this.#chunks.get(Math.floor(offset / FAT_CHUNK_BYTES));
    if (chunk === undefined) return undefined;
    if (!Buffer.isBuffer(chunk)) throw chunk.failure;
    return this.#decode(chunk, cluster, offset % FAT_CHUNK_BYTES);
  }

  /** The FAT entry of `cluster` (≤ geometry.maxCluster), reading its chunk if needed. */
  async entry(cluster: number): Promise<number> {
    const cached = this.peek(cluster);
    if (cached !== undefined) return cached;
    const offset = this.#entryOffset(cluster);
    const index = Math.floor(offset / FAT_CHUNK_BYTES);
    const chunk = await this.#load(index);
    if (!Buffer.isBuffer(chunk)) throw chunk.failure;
    return this.#decode(chunk, cluster, offset % FAT_CHUNK_BYTES);
  }

  #load(index: number): Promise<Chunk> {
    let pending = this.#loading.get(index);
    if (pending === undefined) {
      pending = this.#readChunk(index).finally(() => this.#loading.delete(index));
      this.#loading.set(index, pending);
    }
    return pending;
  }

  async #readChunk(index: number): Promise<Chunk> {
    const { fatOffset, fatSize, fatCopies } = this.#geometry;
    const start = index * FAT_CHUNK_BYTES;
    // FAT12 entries are 1.5 bytes: one spare byte keeps the last pair inside the chunk.
    const length = Math.min(FAT_CHUNK_BYTES + 1, fatSize - start);
    let failure: unknown = null;
    for (const copy of fatCopies) {
      const chunk = Buffer.alloc(length);
      try {
        await this.#source.read(chunk, 0, length, fatOffset + copy * fatSize + start);
        this.#chunks.set(index, chunk);
        return chunk;
      } catch (err) {
        if (deviceGone(err)) throw err;
        failure ??= err;
      }
    }
    const failed = { failure };
    this.#chunks.set(index, failed);
    return failed;
  }
}
