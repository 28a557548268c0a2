import { ExtCorruption } from './errors.js';
import type { BlockMapper, BlockRun } from './file-map.js';
import type { MetadataCache, VolumeIo } from './volume-io.js';

/** i_block holds 12 direct pointers, then the single, double and triple indirect ones. */
const DIRECT_POINTERS = 12;

/**
 * The classic ext2/ext3 block map: 12 direct pointers, then single, double and triple indirect
 * blocks of 32-bit pointers; a zero pointer is a hole. Runs of consecutive pointers become one
 * run. Throws ExtCorruption for a pointer outside the volume or a loop (a pointer to an indirect
 * block already on the way down), VolumeReadFailure when an indirect block cannot be read.
 */
export class IndirectBlockMap implements BlockMapper {
  readonly #iBlock: Buffer;
  readonly #io: VolumeIo;
  readonly #cache: MetadataCache;
  readonly #perBlock: number;

  constructor(iBlock: Buffer, io: VolumeIo, cache: MetadataCache) {
    this.#iBlock = iBlock;
    this.#io = io;
    this.#cache = cache;
    this.#perBlock = io.blockSize / 4;
  }

  /** Logical blocks the map can address: 12 + p + p^2 + p^3 for p pointers per block. */
  static capacity(blockSize: number): number {
    const p = blockSize / 4;
    return DIRECT_POINTERS + p + p * p + p * p * p;
  }

  async runAt(logical: number, maxBlocks: number): Promise<BlockRun> {
    if (logical < DIRECT_POINTERS) {
      return this.#scan(this.#iBlock, logical, logical, DIRECT_POINTERS - logical, maxBlocks, []);
    }
    let within = logical - DIRECT_POINTERS;
    for (let level = 1; level <= 3; level++) {
      const span = this.#perBlock ** level;
      if (within < span) {
        const top = this.#iBlock.readUInt32LE(4 * (DIRECT_POINTERS - 1 + level));
        return this.#descend(top, level, logical, within, maxBlocks, []);
      }
      within -= span;
    }
    throw new ExtCorruption(`logical block ${logical} is beyond what a block map can address`);
  }

  /** Follows pointer `block` (an indirect block of `level`) to the run at `within` below it. */
  async #descend(
    block: number,
    level: number,
    logical: number,
    within: number,
    maxBlocks: number,
    path: number[],
  ): Promise<BlockRun> {
    const span = this.#perBlock ** level;
    if (block === 0) return { logical, count: Math.min(maxBlocks, span - within), physical: null };
    this.#checkPointer(block, 1, path, `an indirect block (level ${level})`);
    const node = await this.#cache.block(block, 'an indirect block');
    const down = [...path, block];
    if (level === 1) return this.#scan(node, within, logical, this.#perBlock - within, maxBlocks, down);
    const childSpan = span / this.#perBlock;
    const index = Math.floor(within / childSpan);
    const child = node.readUInt32LE(4 * index);
    return this.#descend(child, level - 1, logical, within % childSpan, maxBlocks, down);
  }

  /** The run of holes or consecutive pointers starting at pointers[index]. */
  #scan(
    pointers: Buffer,
    index: number,
    logical: number,
    available: number,
    maxBlocks: number,
    path: number[],
  ): BlockRun {
    const limit = Math.min(available, maxBlocks);
    const first = pointers.readUInt32LE(4 * index);
    let count = 1;
    if (first === 0) {
      while (count < limit && pointers.readUInt32LE(4 * (index + count)) === 0) count++;
      return { logical, count, physical: null };
    }
    while (count < limit && pointers.readUInt32LE(4 * (index + count)) === first + count) count++;
    this.#checkPointer(first, count, path, 'a data pointer');
    return { logical, count, physical: first };
  }

  #checkPointer(first: number, count: number, path: number[], what: string): void {
    this.#io.checkBlocks(first, count, what);
    const looped = path.find((block) => block >= first && block < first + count);
    if (looped !== undefined) {
      throw new ExtCorruption(`${what} points back to indirect block ${looped} (a loop in the block map)`);
    }
  }
}
