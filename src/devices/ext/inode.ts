import type { EntryType } from '../port.js';
import { ExtCorruption, ExtUnsupported } from './errors.js';
import type { GroupDescriptors } from './group-descriptors.js';
import { GOOD_OLD_INODE_BYTES, INLINE_BLOCK_BYTES, inlineDataTail } from './inline-data.js';
import type { ExtSuperblock } from './superblock.js';
import type { MetadataCache } from './volume-io.js';

/** i_flags bits the reader acts on. */
export const INODE_FLAGS = {
  encrypted: 0x800,
  extents: 0x80000,
  inlineData: 0x10000000,
} as const;

/** An inode, as far as the reader needs it. */
export interface ExtInode {
  readonly number: number;
  readonly type: EntryType;
  /** i_size (with i_size_high for files, and for directories with largedir). */
  readonly size: number;
  readonly mtime: Date;
  readonly flags: number;
  /** i_block: block pointers, the extent tree root, or the first 60 bytes of inline data. */
  readonly iBlock: Buffer;
  /** Inline data beyond i_block (the system.data attribute), when the inode has inline data. */
  readonly inlineTail: Buffer | null;
}

const S_IFMT = 0o170000;
const TYPE_BY_FORMAT = new Map<number, EntryType>([
  [0o100000, 'file'],
  [0o040000, 'directory'],
  [0o120000, 'symlink'],
  [0o060000, 'block-device'],
  [0o020000, 'char-device'],
  [0o010000, 'fifo'],
  [0o140000, 'socket'],
]);

/** The entry type an inode's mode says ('other' for a format no file system writes). */
export function typeOfMode(mode: number): EntryType {
  return TYPE_BY_FORMAT.get(mode & S_IFMT) ?? 'other';
}

/** Offset of i_mtime_extra; the inode has it when i_extra_isize reaches past it. */
const MTIME_EXTRA_AT = 0x88;

function mtimeOf(raw: Buffer, extraIsize: number): Date {
  let seconds = raw.readInt32LE(0x10);
  let nanoseconds = 0;
  if (GOOD_OLD_INODE_BYTES + extraIsize >= MTIME_EXTRA_AT + 4) {
    const extra = raw.readUInt32LE(MTIME_EXTRA_AT);
    seconds += (extra & 3) * 2 ** 32; // epoch bits: times after 2038
    nanoseconds = extra >>> 2;
  }
  return new Date(seconds * 1000 + Math.floor(Math.min(nanoseconds, 999_999_999) / 1e6));
}

function extraIsizeOf(raw: Buffer): number {
  if (raw.length <= GOOD_OLD_INODE_BYTES) return 0;
  const extra = raw.readUInt16LE(0x80);
  if (extra > raw.length - GOOD_OLD_INODE_BYTES || extra % 4 !== 0) {
    throw new ExtCorruption(`i_extra_isize ${extra} does not fit a ${raw.length}-byte inode`);
  }
  return extra;
}

/**
 * Parses inode record `raw` (s_inode_size bytes) of inode `number`. Throws ExtCorruption for an
 * unused inode (mode 0), an impossible size or extra size; ExtUnsupported for an encrypted one.
 */
export function parseInode(raw: Buffer, number: number, sb: ExtSuperblock): ExtInode {
  const mode = raw.readUInt16LE(0x0);
  if (mode === 0) throw new ExtCorruption(`inode ${number} is not in use`);
  const type = typeOfMode(mode);
  const flags = raw.readUInt32LE(0x20);
  if ((flags & INODE_FLAGS.encrypted) !== 0) throw new ExtUnsupported(`inode ${number} is encrypted`);
  const withHigh = type === 'file' || (type === 'directory' && sb.largedir);
  const size = raw.readUInt32LE(0x4) + (withHigh ? raw.readUInt32LE(0x6c) * 2 ** 32 : 0);
  if (size > Number.MAX_SAFE_INTEGER) throw new ExtCorruption(`inode ${number} has an absurd size ${size}`);
  const extraIsize = extraIsizeOf(raw);
  const inline = (flags & INODE_FLAGS.inlineData) !== 0;
  return {
    number,
    type,
    size,
    mtime: mtimeOf(raw, extraIsize),
    flags,
    iBlock: Buffer.from(raw.subarray(0x28, 0x28 + INLINE_BLOCK_BYTES)),
    inlineTail: inline ? inlineDataTail(raw, extraIsize) : null,
  };
}

/**
 * Reads inodes by number through a cache of inode-table spans. Throws VolumeReadFailure when the
 * inode's table block (or its group descriptor) cannot be read; ExtCorruption for an inode number
 * outside the volume, an inode in an uninitialised group, or a record parseInode refuses.
 */
export class InodeTable {
  readonly #sb: ExtSuperblock;
  readonly #groups: GroupDescriptors;
  readonly #cache: MetadataCache;

  constructor(sb: ExtSuperblock, groups: GroupDescriptors, cache: MetadataCache) {
    this.#sb = sb;
    this.#groups = groups;
    this.#cache = cache;
  }

  async read(number: number): Promise<ExtInode> {
    const sb = this.#sb;
    if (!Number.isInteger(number) || number < 1 || number > sb.inodeCount) {
      throw new ExtCorruption(`inode number ${number} is outside 1..${sb.inodeCount}`);
    }
    const group = Math.floor((number - 1) / sb.inodesPerGroup);
    const { table, uninitialised } = await this.#groups.inodes(group);
    if (uninitialised)
      throw new ExtCorruption(`inode ${number} is in group ${group}, whose inodes are unused`);
    const byteInTable = ((number - 1) % sb.inodesPerGroup) * sb.inodeSize;
    const block = table + Math.floor(byteInTable / sb.blockSize);
    const bytes = await this.#cache.block(block, `the inode table of group ${group}`);
    const at = byteInTable % sb.blockSize;
    return parseInode(bytes.subarray(at, at + sb.inodeSize), number, sb);
  }
}
