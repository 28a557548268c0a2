import { IndirectBlockMap } from './block-map.js';
import { ExtCorruption } from './errors.js';
import { EXTENT_CAPACITY, ExtentMap } from './extent-map.js';
import { INODE_FLAGS, type ExtInode } from './inode.js';
import type { MetadataCache, VolumeIo } from './volume-io.js';

/** `count` logical blocks from `logical`: at `physical` on the volume, or a hole (reads as zeros). */
export interface BlockRun {
  readonly logical: number;
  readonly count: number;
  readonly physical: number | null;
}

/** Where a file's logical blocks are on the volume. */
export interface BlockMapper {
  /**
   * The run that starts at `logical`: at least 1 and at most `maxBlocks` blocks. Throws
   * ExtCorruption or VolumeReadFailure (a map block that cannot be read).
   */
  runAt(logical: number, maxBlocks: number): Promise<BlockRun>;
}

/** True when the inode's data lives in the inode itself (ext4 inline_data). */
export function hasInlineData(inode: ExtInode): boolean {
  return (inode.flags & INODE_FLAGS.inlineData) !== 0;
}

/**
 * Throws ExtCorruption when the inode's size is more than its map can address (a corrupt i_size
 * that would make a reader produce terabytes of zeros). `blockSize` is the volume's.
 */
export function checkSizeFits(inode: ExtInode, blockSize: number): void {
  if (hasInlineData(inode)) return;
  const extents = (inode.flags & INODE_FLAGS.extents) !== 0;
  const capacity = extents ? EXTENT_CAPACITY : IndirectBlockMap.capacity(blockSize);
  if (inode.size > capacity * blockSize) {
    throw new ExtCorruption(
      `inode ${inode.number} claims ${inode.size} bytes, more than its block map can hold`,
    );
  }
}

/**
 * The block mapper of an inode stored in blocks: its extent tree or its indirect block map.
 * Throws ExtCorruption when the extent root in the inode is not valid.
 */
export function blockMapperOf(inode: ExtInode, io: VolumeIo, cache: MetadataCache): BlockMapper {
  if ((inode.flags & INODE_FLAGS.extents) !== 0) return new ExtentMap(inode.iBlock, io, cache);
  return new IndirectBlockMap(inode.iBlock, io, cache);
}
