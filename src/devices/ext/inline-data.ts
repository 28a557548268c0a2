import { ExtCorruption } from './errors.js';

/** Inode bytes before the extra fields; the in-inode xattrs start after i_extra_isize of them. */
export const GOOD_OLD_INODE_BYTES = 128;
/** Bytes of data kept in i_block itself. */
export const INLINE_BLOCK_BYTES = 60;

const XATTR_MAGIC = 0xea020000;
const XATTR_ENTRY_BYTES = 16;
/** Name index of "system." attributes; inline data is "system.data". */
const INDEX_SYSTEM = 7;
const DATA_NAME = Buffer.from('data');

/**
 * The value of the in-inode extended attribute "system.data": the part of an inline_data file or
 * directory beyond its first 60 bytes (which are in i_block). `raw` is the whole inode record;
 * `extraIsize` its i_extra_isize. An empty buffer when the attribute holds nothing; throws
 * ExtCorruption when the attribute area is missing or malformed, or the value lives elsewhere
 * (an EA inode), which a valid inline_data inode never does.
 */
export function inlineDataTail(raw: Buffer, extraIsize: number): Buffer {
  const start = GOOD_OLD_INODE_BYTES + extraIsize;
  if (start + 4 > raw.length || raw.readUInt32LE(start) !== XATTR_MAGIC) {
    throw new ExtCorruption('an inline_data inode without in-inode extended attributes');
  }
  const first = start + 4; // value offsets count from the first entry
  for (let at = first; at + 4 <= raw.length && raw.readUInt32LE(at) !== 0;) {
    if (at + XATTR_ENTRY_BYTES > raw.length) break;
    const nameLength = raw[at] ?? 0;
    const nameIndex = raw[at + 1] ?? 0;
    const valueOffset = raw.readUInt16LE(at + 2);
    const valueInode = raw.readUInt32LE(at + 4);
    const valueSize = raw.readUInt32LE(at + 8);
    const name = raw.subarray(at + XATTR_ENTRY_BYTES, at + XATTR_ENTRY_BYTES + nameLength);
    if (nameIndex === INDEX_SYSTEM && name.equals(DATA_NAME)) {
      if (valueInode !== 0) throw new ExtCorruption('inline data stored in an extended-attribute inode');
      if (valueSize === 0) return Buffer.alloc(0);
      if (first + valueOffset + valueSize > raw.length) {
        throw new ExtCorruption(`inline data of ${valueSize} bytes does not fit in the inode`);
      }
      return Buffer.from(raw.subarray(first + valueOffset, first + valueOffset + valueSize));
    }
    at += XATTR_ENTRY_BYTES + ((nameLength + 3) & ~3);
  }
  throw new ExtCorruption('an inline_data inode without its system.data attribute');
}
