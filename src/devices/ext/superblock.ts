import { COMPAT, INCOMPAT, RO_COMPAT, unreadableFeatures } from './features.js';

/** Where the superblock is: byte 1024 of the volume, whatever the block size. */
export const SUPERBLOCK_POSITION = 1024;
/** The superblock's size. */
export const SUPERBLOCK_BYTES = 1024;
const EXT_MAGIC = 0xef53;
const MAX_LOG_BLOCK_SIZE = 6; // 64 KiB
const GOOD_OLD_INODE_SIZE = 128;
const MAX_DESC_SIZE = 1024;

/** What the reader needs of the superblock, checked. */
export interface ExtSuperblock {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly firstDataBlock: number;
  readonly blocksPerGroup: number;
  readonly inodesPerGroup: number;
  readonly inodeCount: number;
  readonly inodeSize: number;
  readonly groupCount: number;
  /** Bytes of one group descriptor (32, or s_desc_size with 64bit). */
  readonly descSize: number;
  readonly metaBg: boolean;
  readonly firstMetaBg: number;
  readonly sparseSuper: boolean;
  /** sparse_super2: the only two groups with backups (0 = none); null without the feature. */
  readonly backupGroups: readonly [number, number] | null;
  /** Directory entries carry a file type byte. */
  readonly filetype: boolean;
  readonly inlineData: boolean;
  readonly largedir: boolean;
  /** Group descriptors have checksums, so their INODE_UNINIT flags can be trusted. */
  readonly groupFlagsValid: boolean;
  readonly label: string | null;
}

/** Why a superblock was refused: `code` EUCLEAN (damaged or not ext) or EUNSUPPORTED. */
export class SuperblockProblem extends Error {
  readonly code: 'EUCLEAN' | 'EUNSUPPORTED';

  constructor(code: 'EUCLEAN' | 'EUNSUPPORTED', message: string) {
    super(message);
    this.name = 'SuperblockProblem';
    this.code = code;
  }
}

const corrupt = (why: string) => new SuperblockProblem('EUCLEAN', why);

function volumeName(sb: Buffer): string | null {
  const field = sb.subarray(0x78, 0x88);
  const end = field.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end === -1 ? field : field.subarray(0, end)).trim();
  return text === '' ? null : text;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

function inodeSizeOf(sb: Buffer, revision: number, blockSize: number): number {
  if (revision === 0) return GOOD_OLD_INODE_SIZE;
  const size = sb.readUInt16LE(0x58);
  if (size < GOOD_OLD_INODE_SIZE || size > blockSize || !isPowerOfTwo(size)) {
    throw corrupt(`inode size ${size}`);
  }
  return size;
}

function descSizeOf(sb: Buffer, incompat: number): number {
  if ((incompat & INCOMPAT.bit64) === 0) return 32;
  const size = sb.readUInt16LE(0xfe);
  if (size < 64 || size > MAX_DESC_SIZE || !isPowerOfTwo(size))
    throw corrupt(`group descriptor size ${size}`);
  return size;
}

function checkFeatures(sb: Buffer, incompat: number): void {
  const revision = sb.readUInt32LE(0x4c);
  if (revision > 1) throw new SuperblockProblem('EUNSUPPORTED', `unknown revision ${revision}`);
  const unreadable = unreadableFeatures(incompat, sb.readUInt16LE(0x27c));
  if (unreadable.length > 0) {
    throw new SuperblockProblem(
      'EUNSUPPORTED',
      `it uses features this reader cannot read: ${unreadable.join(', ')}`,
    );
  }
}

/** Blocks per allocation cluster: 1, or more with bigalloc (block bitmaps then count clusters). */
function clusterRatio(sb: Buffer, logBlockSize: number): number {
  if ((sb.readUInt32LE(0x64) & RO_COMPAT.bigalloc) === 0) return 1;
  const logCluster = sb.readUInt32LE(0x1c);
  if (logCluster < logBlockSize || logCluster - logBlockSize > 16)
    throw corrupt(`cluster size 2^${logCluster + 10}`);
  return 2 ** (logCluster - logBlockSize);
}

interface Counts {
  blockSize: number;
  blockCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodeCount: number;
  groupCount: number;
}

function countsOf(sb: Buffer, incompat: number): Counts {
  const logBlockSize = sb.readUInt32LE(0x18);
  if (logBlockSize > MAX_LOG_BLOCK_SIZE) throw corrupt(`block size 2^${logBlockSize + 10}`);
  const blockSize = 1024 << logBlockSize;
  const high = (incompat & INCOMPAT.bit64) !== 0 ? sb.readUInt32LE(0x150) : 0;
  const blockCount = sb.readUInt32LE(0x4) + high * 2 ** 32;
  const firstDataBlock = sb.readUInt32LE(0x14);
  const blocksPerGroup = sb.readUInt32LE(0x20);
  const inodesPerGroup = sb.readUInt32LE(0x28);
  const inodeCount = sb.readUInt32LE(0x0);
  if (firstDataBlock > (blockSize === 1024 ? 1 : 0)) throw corrupt(`first data block ${firstDataBlock}`);
  if (blockCount <= firstDataBlock) throw corrupt(`${blockCount} blocks`);
  if (blocksPerGroup < 8 || blocksPerGroup > 8 * blockSize * clusterRatio(sb, logBlockSize)) {
    throw corrupt(`${blocksPerGroup} blocks per group`);
  }
  if (inodesPerGroup < 1 || inodesPerGroup > 8 * blockSize)
    throw corrupt(`${inodesPerGroup} inodes per group`);
  const groupCount = Math.ceil((blockCount - firstDataBlock) / blocksPerGroup);
  if (inodeCount !== groupCount * inodesPerGroup) {
    throw corrupt(`${inodeCount} inodes for ${groupCount} groups of ${inodesPerGroup}`);
  }
  return { blockSize, blockCount, firstDataBlock, blocksPerGroup, inodesPerGroup, inodeCount, groupCount };
}

/**
 * Parses and checks the 1024 bytes of a superblock. Throws SuperblockProblem: EUCLEAN when it is
 * not an ext superblock or its numbers cannot be right, EUNSUPPORTED (naming the features) when
 * the volume uses a format this reader cannot read.
 */
export function parseSuperblock(sb: Buffer): ExtSuperblock {
  if (sb.length < SUPERBLOCK_BYTES || sb.readUInt16LE(0x38) !== EXT_MAGIC) {
    throw corrupt('not an ext2/3/4 file system (bad superblock magic)');
  }
  const incompat = sb.readUInt32LE(0x60);
  const roCompat = sb.readUInt32LE(0x64);
  const compat = sb.readUInt32LE(0x5c);
  checkFeatures(sb, incompat);
  const counts = countsOf(sb, incompat);
  const has = (bit: number) => (incompat & bit) !== 0;
  return {
    ...counts,
    inodeSize: inodeSizeOf(sb, sb.readUInt32LE(0x4c), counts.blockSize),
    descSize: descSizeOf(sb, incompat),
    metaBg: has(INCOMPAT.metaBg),
    firstMetaBg: sb.readUInt32LE(0x104),
    sparseSuper: (roCompat & RO_COMPAT.sparseSuper) !== 0,
    backupGroups:
      (compat & COMPAT.sparseSuper2) !== 0 ? [sb.readUInt32LE(0x24c), sb.readUInt32LE(0x250)] : null,
    filetype: has(INCOMPAT.filetype),
    inlineData: has(INCOMPAT.inlineData),
    largedir: has(INCOMPAT.largedir),
    groupFlagsValid: (roCompat & (RO_COMPAT.gdtCsum | RO_COMPAT.metadataCsum)) !== 0,
    label: volumeName(sb),
  };
}
