/**
 * Parsing of ext2/3/4 directory contents (linear entries, as the kernel and e2fsck read them).
 * The reader reads a directory's bytes like a file and parses them here, rather than calling the
 * library's readdir, which leaks a 3-block file structure per call in a WASM heap that cannot
 * grow (16 MiB): it aborts after about a thousand directories.
 */

/** Where a directory's entries are: data blocks, or the inode itself (ext4 inline_data). */
export type DirectoryLayout = { kind: 'blocks'; blockSize: number } | { kind: 'inline' };

/** A directory's bytes that do not parse: EUCLEAN, as Linux reports a corrupt directory. */
export class CorruptDirectoryError extends Error {
  readonly code = 'EUCLEAN';

  constructor(detail: string) {
    super(`corrupt directory: ${detail}`);
    this.name = 'CorruptDirectoryError';
  }
}

/** ext2 dirent: inode u32, rec_len u16, name_len u8, file_type u8, then the name. */
const DIRENT_HEADER = 8;
/** Inline directories start with the parent's inode number (the '..' entry, 4 bytes). */
const INLINE_PARENT_BYTES = 4;

/** rec_len as libext2fs decodes it: 65536-byte blocks store their full length as 0 or 65535. */
function recordLength(raw: number, blockSize: number): number {
  if (blockSize < 65536) return raw;
  if (raw === 65535 || raw === 0) return 65536;
  return (raw & 65532) | ((raw & 3) << 16);
}

function isDotOrDotDot(name: Buffer): boolean {
  return (
    (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e)
  );
}

/** Appends the names of the entries in data[start, end); entries never cross `end`. */
function parseRegion(data: Buffer, start: number, end: number, blockSize: number, names: Buffer[]): void {
  let at = start;
  while (at < end) {
    if (end - at < DIRENT_HEADER) throw new CorruptDirectoryError(`truncated entry at byte ${at}`);
    const inode = data.readUInt32LE(at);
    const length = recordLength(data.readUInt16LE(at + 4), blockSize);
    const nameLength = data[at + 6] ?? 0;
    if (
      length < DIRENT_HEADER ||
      length % 4 !== 0 ||
      at + length > end ||
      DIRENT_HEADER + nameLength > length
    ) {
      throw new CorruptDirectoryError(`bad entry length ${length} at byte ${at}`);
    }
    const name = data.subarray(at + DIRENT_HEADER, at + DIRENT_HEADER + nameLength);
    if (inode !== 0 && nameLength > 0 && !isDotOrDotDot(name)) names.push(Buffer.from(name));
    at += length;
  }
}

/**
 * The names (raw bytes, without '.' and '..') of the live entries in a directory's bytes.
 * Unused entries (inode 0), htree index blocks (which look unused) and metadata_csum tails are
 * skipped. Throws CorruptDirectoryError when an entry's lengths do not fit.
 */
export function parseDirectory(data: Buffer, layout: DirectoryLayout): Buffer[] {
  const names: Buffer[] = [];
  if (layout.kind === 'inline') {
    if (data.length < INLINE_PARENT_BYTES) throw new CorruptDirectoryError('inline data too short');
    parseRegion(data, INLINE_PARENT_BYTES, data.length, 4096, names);
    return names;
  }
  const { blockSize } = layout;
  for (let block = 0; block < data.length; block += blockSize) {
    parseRegion(data, block, Math.min(block + blockSize, data.length), blockSize, names);
  }
  return names;
}
