import { ExtCorruption } from './errors.js';
import type { ExtSuperblock } from './superblock.js';
import type { MetadataCache } from './volume-io.js';

/** bg_flags: the group's inode table was never initialised (its inodes are all unused). */
const BG_INODE_UNINIT = 0x1;

/** Where a group's inodes are. */
export interface GroupInodes {
  /** First block of the group's inode table. */
  readonly table: number;
  /** The group's inodes are all unused (INODE_UNINIT, trusted only with descriptor checksums). */
  readonly uninitialised: boolean;
}

/** True when group `g` holds a copy of the superblock (and so of the descriptors). */
export function groupHasSuperblock(sb: ExtSuperblock, g: number): boolean {
  if (g === 0) return true;
  if (sb.backupGroups) return g === sb.backupGroups[0] || g === sb.backupGroups[1];
  if (!sb.sparseSuper || g === 1) return true;
  for (const base of [3, 5, 7]) {
    let power = base;
    while (power < g) power *= base;
    if (power === g) return true;
  }
  return false;
}

/**
 * Block number of descriptor block `index` (the one that holds groups index*perBlock...): right
 * after the superblock, or with meta_bg (from s_first_meta_bg on) in the first group of its meta
 * group, after that group's superblock backup if it has one.
 */
export function descriptorBlock(sb: ExtSuperblock, index: number): number {
  const superblockBlock = sb.blockSize === 1024 ? 1 : 0;
  if (!sb.metaBg || index < sb.firstMetaBg) return superblockBlock + 1 + index;
  const group = (sb.blockSize / sb.descSize) * index;
  const groupStart = sb.firstDataBlock + group * sb.blocksPerGroup;
  const afterBoot = sb.blockSize === 1024 && index === 0 && sb.firstDataBlock === 0 ? 1 : 0;
  return groupStart + (groupHasSuperblock(sb, group) ? 1 : 0) + afterBoot;
}

/**
 * The group descriptor table, read lazily through a metadata cache (a 2 TiB volume has 16,384
 * groups; only the descriptor blocks of groups whose inodes are looked up are read).
 */
export class GroupDescriptors {
  readonly #sb: ExtSuperblock;
  readonly #cache: MetadataCache;
  readonly #perBlock: number;
  readonly #tableBlocks: number;

  constructor(sb: ExtSuperblock, cache: MetadataCache) {
    this.#sb = sb;
    this.#cache = cache;
    this.#perBlock = sb.blockSize / sb.descSize;
    this.#tableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
  }

  /**
   * Where group `group`'s inodes are. Throws VolumeReadFailure when its descriptor block cannot be
   * read, ExtCorruption when the inode table lies outside the volume.
   */
  async inodes(group: number): Promise<GroupInodes> {
    const index = Math.floor(group / this.#perBlock);
    const block = await this.#cache.block(
      descriptorBlock(this.#sb, index),
      `group descriptor block ${index}`,
    );
    const at = (group % this.#perBlock) * this.#sb.descSize;
    const high = this.#sb.descSize >= 64 ? block.readUInt32LE(at + 0x28) : 0;
    const table = block.readUInt32LE(at + 0x8) + high * 2 ** 32;
    const flags = block.readUInt16LE(at + 0x12);
    if (table < 1 || table + this.#tableBlocks > this.#sb.blockCount) {
      throw new ExtCorruption(`the inode table of group ${group} is at block ${table}, outside the volume`);
    }
    return { table, uninitialised: this.#sb.groupFlagsValid && (flags & BG_INODE_UNINIT) !== 0 };
  }
}
