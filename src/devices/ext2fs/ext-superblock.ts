import type { ReadOnlyCachedDisk } from './cached-disk.js';
import type { VolumeGeometry } from './ext-directory.js';

/** The superblock: 1024 bytes at byte 1024 of the volume. */
const SUPERBLOCK_POSITION = 1024;
const SUPERBLOCK_BYTES = 1024;
const INODES_COUNT_AT = 0x00;
const BLOCKS_COUNT_LO_AT = 0x04;
const FIRST_DATA_BLOCK_AT = 0x14;
const LOG_BLOCK_SIZE_AT = 0x18;
const BLOCKS_PER_GROUP_AT = 0x20;
const MAGIC_AT = 0x38;
const FEATURE_INCOMPAT_AT = 0x60;
const VOLUME_NAME_AT = 0x78;
const VOLUME_NAME_BYTES = 16;
const DESC_SIZE_AT = 0xfe;
const BLOCKS_COUNT_HI_AT = 0x150;
const EXT_MAGIC = 0xef53;
const INCOMPAT_64BIT = 0x80;
const INCOMPAT_INLINE_DATA = 0x8000;

/** What the reader takes from the superblock itself (libext2fs does not expose these). */
export interface SuperblockFacts extends VolumeGeometry {
  /** s_volume_name, or null when empty. */
  readonly label: string | null;
  /** Heap libext2fs needs to mount it: both bitmaps whole, plus the group descriptors. */
  readonly mountHeapBytes: number;
}

function volumeName(superblock: Buffer): string | null {
  const field = superblock.subarray(VOLUME_NAME_AT, VOLUME_NAME_AT + VOLUME_NAME_BYTES);
  const end = field.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end === -1 ? field : field.subarray(0, end)).trim();
  return text === '' ? null : text;
}

/** Bitmap and descriptor bytes; 0 when this is no ext superblock (the mount will say why). */
function mountHeapBytes(superblock: Buffer): number {
  if (superblock.readUInt16LE(MAGIC_AT) !== EXT_MAGIC) return 0;
  const is64bit = (superblock.readUInt32LE(FEATURE_INCOMPAT_AT) & INCOMPAT_64BIT) !== 0;
  const high = is64bit ? superblock.readUInt32LE(BLOCKS_COUNT_HI_AT) : 0;
  const blocks = superblock.readUInt32LE(BLOCKS_COUNT_LO_AT) + high * 2 ** 32;
  const perGroup = superblock.readUInt32LE(BLOCKS_PER_GROUP_AT);
  const dataBlocks = Math.max(0, blocks - superblock.readUInt32LE(FIRST_DATA_BLOCK_AT));
  const groups = perGroup > 0 ? Math.ceil(dataBlocks / perGroup) : 0;
  const descriptorBytes = is64bit ? Math.max(32, superblock.readUInt16LE(DESC_SIZE_AT)) : 32;
  const inodes = superblock.readUInt32LE(INODES_COUNT_AT);
  return Math.ceil(blocks / 8) + Math.ceil(inodes / 8) + groups * descriptorBytes;
}

/**
 * Reads the label, block size, inline_data flag and mount heap estimate from the superblock
 * (libext2fs validates it when it mounts). Throws the disk's DeviceReadError.
 */
export async function readSuperblockFacts(disk: ReadOnlyCachedDisk): Promise<SuperblockFacts> {
  const superblock = Buffer.alloc(SUPERBLOCK_BYTES);
  await disk.read(superblock, 0, SUPERBLOCK_BYTES, SUPERBLOCK_POSITION);
  return {
    label: volumeName(superblock),
    blockSize: 1024 << Math.min(superblock.readUInt32LE(LOG_BLOCK_SIZE_AT), 6),
    inlineData: (superblock.readUInt32LE(FEATURE_INCOMPAT_AT) & INCOMPAT_INLINE_DATA) !== 0,
    mountHeapBytes: mountHeapBytes(superblock),
  };
}
