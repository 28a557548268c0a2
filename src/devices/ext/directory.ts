import type { EntryType } from '../port.js';
import { fileChunks } from '../chunk-pool.js';
import { ExtCorruption } from './errors.js';
import { CHUNK_BYTES, type FileData } from './file-data.js';
import { VolumeIo } from './volume-io.js';

/** One live entry of a directory (not '.' or '..'). */
export interface DirRecord {
  readonly name: Buffer;
  readonly inode: number;
  /** The entry's file type byte, when the volume has them and it is a known one. */
  readonly fileType: EntryType | null;
}

/** No real directory comes near this (millions of entries); a bigger one is corrupt. */
export const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;
/** dirent: inode u32, rec_len u16, name_len u8, file_type u8, then the name. */
const DIRENT_HEADER = 8;
/** An inline directory starts with its parent's inode number (the '..' entry). */
const INLINE_PARENT_BYTES = 4;
const INLINE_BLOCK_BYTES = 60;

const FILE_TYPES: (EntryType | null)[] = [
  null,
  'file',
  'directory',
  'char-device',
  'block-device',
  'fifo',
  'socket',
  'symlink',
];

/** rec_len as stored: 64 KiB blocks keep their full length as 0 or 65535, and its high bits low. */
function recordLength(raw: number, blockSize: number): number {
  if (blockSize < 65536) return raw;
  if (raw === 65535 || raw === 0) return 65536;
  return (raw & 65532) | ((raw & 3) << 16);
}

const isDot = (name: Buffer) => name.length <= 2 && name.every((byte) => byte === 0x2e);

/** What parsing needs of the volume. */
export interface DirFormat {
  readonly blockSize: number;
  /** Dirents carry a file type byte (incompat filetype). */
  readonly filetype: boolean;
}

/**
 * Appends the live entries of data[start, end) (one block, or one inline region) to `out`.
 * Deleted entries (inode 0), htree index blocks (a single unused entry), '.' and '..' (where the
 * htree root keeps its index) and metadata_csum tails are skipped. Throws ExtCorruption when an
 * entry's lengths do not fit.
 */
export function parseDirectoryRegion(
  data: Buffer,
  start: number,
  end: number,
  format: DirFormat,
  out: DirRecord[],
): void {
  for (let at = start; at < end;) {
    if (end - at < DIRENT_HEADER) throw new ExtCorruption(`a truncated directory entry at byte ${at}`);
    const inode = data.readUInt32LE(at);
    const length = recordLength(data.readUInt16LE(at + 4), format.blockSize);
    const nameLength = data[at + 6] ?? 0;
    if (
      length < DIRENT_HEADER ||
      length % 4 !== 0 ||
      at + length > end ||
      DIRENT_HEADER + nameLength > length
    ) {
      throw new ExtCorruption(`a directory entry of length ${length} at byte ${at} does not fit`);
    }
    const name = data.subarray(at + DIRENT_HEADER, at + DIRENT_HEADER + nameLength);
    if (inode !== 0 && nameLength > 0 && !isDot(name)) {
      const fileType = format.filetype ? (FILE_TYPES[data[at + 7] ?? 0] ?? null) : null;
      out.push({ name: Buffer.from(name), inode, fileType });
    }
    at += length;
  }
}

/**
 * The live entries of a directory, in stored order: inline (ext4 inline_data) or block by block;
 * holes are skipped. Throws ExtCorruption (entries that do not fit, an absurd size) or
 * VolumeReadFailure (a directory block that cannot be read).
 */
export async function readDirectory(data: FileData, io: VolumeIo, format: DirFormat): Promise<DirRecord[]> {
  const out: DirRecord[] = [];
  const inline = data.inline;
  if (inline) {
    const firstEnd = Math.min(INLINE_BLOCK_BYTES, data.size);
    if (firstEnd < INLINE_PARENT_BYTES) throw new ExtCorruption('an inline directory without its parent');
    parseDirectoryRegion(inline, INLINE_PARENT_BYTES, firstEnd, format, out);
    if (data.size > INLINE_BLOCK_BYTES)
      parseDirectoryRegion(inline, INLINE_BLOCK_BYTES, data.size, format, out);
    return out;
  }
  if (data.size > MAX_DIRECTORY_BYTES) throw new ExtCorruption(`a directory of ${data.size} bytes`);
  const blocks = Math.ceil(data.size / io.blockSize);
  const perRead = CHUNK_BYTES / io.blockSize;
  for (let logical = 0; logical < blocks;) {
    const run = await data.runAt(logical, Math.min(perRead, blocks - logical));
    if (run.physical !== null) {
      const length = run.count * io.blockSize;
      const position = run.physical * io.blockSize;
      const bytes =
        length <= VolumeIo.SMALL_READ_BYTES
          ? await io.readSmall(position, length)
          : await io.readBlocks(run.physical, run.count);
      for (let at = 0; at < bytes.length; at += io.blockSize) {
        parseDirectoryRegion(bytes, at, at + io.blockSize, format, out);
      }
      fileChunks.give([bytes]); // the entries hold copies of their names
    }
    logical += run.count;
  }
  return out;
}
