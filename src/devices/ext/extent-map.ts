import { ExtCorruption } from './errors.js';
import type { BlockMapper, BlockRun } from './file-map.js';
import type { MetadataCache, VolumeIo } from './volume-io.js';

const EXTENT_MAGIC = 0xf30a;
const HEADER_BYTES = 12;
const ENTRY_BYTES = 12;
const MAX_DEPTH = 5;
/** ee_len above this marks an uninitialised (preallocated, reads as zeros) extent. */
const MAX_INIT_LENGTH = 32768;
/** Logical blocks are 32-bit. */
export const EXTENT_CAPACITY = 2 ** 32;

/** A leaf of the tree and the logical range [low, high) it covers; no node: a hole over it. */
interface Leaf {
  readonly node: Buffer | null;
  readonly entries: number;
  readonly low: number;
  readonly high: number;
}

const firstBlockOf = (node: Buffer, i: number) => node.readUInt32LE(HEADER_BYTES + i * ENTRY_BYTES);

/** Checks a node's header and order (so that every lookup makes progress); its entries and depth. */
function header(node: Buffer, what: string): { entries: number; depth: number } {
  if (node.length < HEADER_BYTES || node.readUInt16LE(0) !== EXTENT_MAGIC) {
    throw new ExtCorruption(`${what} has no extent header`);
  }
  const entries = node.readUInt16LE(2);
  const max = node.readUInt16LE(4);
  const depth = node.readUInt16LE(6);
  if (entries > max || HEADER_BYTES + max * ENTRY_BYTES > node.length || depth > MAX_DEPTH) {
    throw new ExtCorruption(`${what} has a bad extent header (${entries} of ${max} entries, depth ${depth})`);
  }
  for (let i = 1; i < entries; i++) {
    if (firstBlockOf(node, i) <= firstBlockOf(node, i - 1)) {
      throw new ExtCorruption(`${what} has extents out of order`);
    }
  }
  return { entries, depth };
}

/** Index of the last entry whose first logical block is <= `logical`, or -1. */
function lastAtOrBefore(node: Buffer, entries: number, logical: number): number {
  let low = 0;
  let high = entries - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (node.readUInt32LE(HEADER_BYTES + middle * ENTRY_BYTES) <= logical) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * The ext4 extent tree (any depth up to 5), with the last leaf kept so that sequential reads
 * descend once per leaf. Uninitialised extents and gaps read as holes. Throws ExtCorruption for a
 * bad header, a child whose depth is not its parent's minus one (which also rules out loops), or
 * a block outside the volume; VolumeReadFailure when a tree node cannot be read.
 */
export class ExtentMap implements BlockMapper {
  readonly #root: Buffer;
  readonly #io: VolumeIo;
  readonly #cache: MetadataCache;
  #leaf: Leaf | null = null;

  constructor(iBlock: Buffer, io: VolumeIo, cache: MetadataCache) {
    this.#root = iBlock;
    this.#io = io;
    this.#cache = cache;
    header(iBlock, 'the inode'); // fail at open, not at the first read
  }

  async runAt(logical: number, maxBlocks: number): Promise<BlockRun> {
    let leaf = this.#leaf;
    if (!leaf || logical < leaf.low || logical >= leaf.high) {
      leaf = await this.#descend(logical);
      this.#leaf = leaf;
    }
    const limit = Math.min(maxBlocks, leaf.high - logical);
    const hole = (until: number) => ({
      logical,
      count: Math.max(1, Math.min(limit, until - logical)),
      physical: null,
    });
    if (!leaf.node) return hole(leaf.high);
    const node = leaf.node;
    const i = lastAtOrBefore(node, leaf.entries, logical);
    const next = i + 1 < leaf.entries ? firstBlockOf(node, i + 1) : leaf.high;
    if (i < 0) return hole(next);
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const first = node.readUInt32LE(at);
    const rawLength = node.readUInt16LE(at + 4);
    const length = rawLength > MAX_INIT_LENGTH ? rawLength - MAX_INIT_LENGTH : rawLength;
    if (length === 0) throw new ExtCorruption(`an extent at logical block ${first} has length 0`);
    if (logical >= first + length) return hole(next);
    const start = node.readUInt16LE(at + 6) * 2 ** 32 + node.readUInt32LE(at + 8);
    this.#io.checkBlocks(start, length, `the extent at logical block ${first}`);
    const count = Math.min(limit, first + length - logical);
    return { logical, count, physical: rawLength > MAX_INIT_LENGTH ? null : start + (logical - first) };
  }

  async #descend(logical: number): Promise<Leaf> {
    let node = this.#root;
    let { entries, depth } = header(node, 'the inode');
    let low = 0;
    let high = EXTENT_CAPACITY;
    while (depth > 0) {
      const i = lastAtOrBefore(node, entries, logical);
      if (i < 0) return { node: null, entries: 0, low, high: entries > 0 ? firstBlockOf(node, 0) : high };
      const at = HEADER_BYTES + i * ENTRY_BYTES;
      if (i + 1 < entries) high = Math.min(high, firstBlockOf(node, i + 1));
      low = Math.max(low, node.readUInt32LE(at));
      const child = node.readUInt16LE(at + 8) * 2 ** 32 + node.readUInt32LE(at + 4);
      this.#io.checkBlocks(child, 1, 'an extent index');
      node = await this.#cache.block(child, 'an extent tree node');
      const below = header(node, `extent tree node ${child}`);
      if (below.depth !== depth - 1) {
        throw new ExtCorruption(
          `extent tree node ${child} has depth ${below.depth} below depth ${depth} (a loop?)`,
        );
      }
      ({ entries, depth } = below);
    }
    return { node, entries, low, high };
  }
}
