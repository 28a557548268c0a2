import type { BlockSource } from '../block-source.js';
import type { DeviceReadError } from '../port.js';
import { LruCache } from '../fat/lru-cache.js';
import { mountError, VolumeReadFailure } from './errors.js';
import type { DataContext } from './file-data.js';
import { GroupDescriptors } from './group-descriptors.js';
import { InodeTable, type ExtInode } from './inode.js';
import type { ListedName } from './entries.js';
import {
  parseSuperblock,
  SUPERBLOCK_BYTES,
  SUPERBLOCK_POSITION,
  SuperblockProblem,
  type ExtSuperblock,
} from './superblock.js';
import { MetadataCache, VolumeIo } from './volume-io.js';

/** The root directory's inode. */
export const ROOT_INODE = 2;
/** Metadata is read in aligned spans of this many bytes (or one block, when blocks are larger). */
const SPAN_BYTES = 64 * 1024;
/** Inode-table spans kept: 8 MiB, 32,768 inodes of 256 bytes. */
const INODE_SPANS = 128;
/** Spans of descriptors, indirect blocks and extent nodes kept: 4 MiB. */
const MAP_SPANS = 64;
/** Sorted directory listings kept, each of at most LISTING_CACHE_NAMES names. */
const LISTINGS = 8;

/** Everything an open volume reads with; memory is bounded by the constants above. */
export interface ExtContext extends DataContext {
  readonly sb: ExtSuperblock;
  readonly inodes: InodeTable;
  readonly listings: LruCache<number, readonly ListedName[]>;
  readonly root: ExtInode;
  /** Set by close(): every later operation fails with EBADF. */
  closed: boolean;
}

async function readSuperblock(source: BlockSource): Promise<ExtSuperblock> {
  const bytes = Buffer.alloc(SUPERBLOCK_BYTES);
  let got: number;
  try {
    got = await source.read(bytes, 0, SUPERBLOCK_BYTES, SUPERBLOCK_POSITION);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EIO';
    throw mountError(source.name, code, `the superblock cannot be read (${code})`, err);
  }
  try {
    if (got < SUPERBLOCK_BYTES) throw new SuperblockProblem('EUCLEAN', 'too small to hold a superblock');
    return parseSuperblock(bytes);
  } catch (err) {
    const problem = err as SuperblockProblem;
    throw mountError(source.name, problem.code, problem.message, err);
  }
}

/**
 * Reads the superblock and the root inode of `source` and sets up the caches. Throws
 * DeviceReadError (scope device, operation mount): the device's code when it cannot be read,
 * EUCLEAN when it is not a sound ext volume, EUNSUPPORTED naming features that cannot be read.
 */
export async function openContext(source: BlockSource): Promise<ExtContext> {
  const sb = await readSuperblock(source);
  const io = new VolumeIo(source, sb.blockSize, sb.blockCount);
  const mapCache = new MetadataCache(io, SPAN_BYTES, MAP_SPANS, { throughReadAhead: true });
  const groups = new GroupDescriptors(sb, mapCache);
  const inodes = new InodeTable(sb, groups, new MetadataCache(io, SPAN_BYTES, INODE_SPANS));
  let root: ExtInode;
  try {
    root = await inodes.read(ROOT_INODE);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EIO';
    const cause = err instanceof VolumeReadFailure ? (err.cause as DeviceReadError) : err;
    throw mountError(
      source.name,
      code,
      `the root directory's inode cannot be read: ${(err as Error).message}`,
      cause,
    );
  }
  if (root.type !== 'directory')
    throw mountError(source.name, 'EUCLEAN', 'the root inode is not a directory');
  return { sb, io, mapCache, inodes, root, listings: new LruCache(LISTINGS), closed: false };
}
