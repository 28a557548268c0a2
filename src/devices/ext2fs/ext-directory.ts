import { CorruptDirectoryError, parseDirectory, type DirectoryLayout } from './ext-dirents.js';
import { decodeName, sortNames, type DecodedName } from './ext-entries.js';
import type { Ext2fsMount } from './ext2fs-binding.js';
import { LIBRARY_READ_BYTES } from './ext2fs-library.js';

/** What the superblock says about how directories are stored. */
export interface VolumeGeometry {
  readonly blockSize: number;
  /** ext4 inline_data: small directories live inside their inode. */
  readonly inlineData: boolean;
}

/** No real directory comes near this (about 6 million entries); a bigger i_size is corrupt. */
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

async function readAll(mount: Ext2fsMount, rawPath: Buffer, sizeHint: number): Promise<Buffer> {
  const file = await mount.openReadOnly(rawPath);
  const pieces: Buffer[] = [];
  let total = 0;
  try {
    // Ask for one byte more than expected: a short read is the end, with no extra call.
    for (let length = Math.min(sizeHint + 1, LIBRARY_READ_BYTES); ; length = LIBRARY_READ_BYTES) {
      const piece = Buffer.allocUnsafe(length);
      const got = await file.readNext(piece, length);
      pieces.push(piece.subarray(0, got));
      total += got;
      if (got < length) break;
      if (total > MAX_DIRECTORY_BYTES)
        throw new CorruptDirectoryError(`larger than ${MAX_DIRECTORY_BYTES} bytes`);
    }
  } finally {
    await file.close().catch(() => undefined); // nothing was written: a failed close loses nothing
  }
  return Buffer.concat(pieces, total);
}

function layoutOf(data: Buffer, geometry: VolumeGeometry): DirectoryLayout {
  // A directory in blocks is at least one block long; an inline one is shorter than a block.
  return geometry.inlineData && data.length < geometry.blockSize
    ? { kind: 'inline' }
    : { kind: 'blocks', blockSize: geometry.blockSize };
}

/**
 * The names in the directory at `rawPath`, decoded and in walk order. The directory is read
 * like a file (O_NOATIME, sequentially) and parsed here. Throws the library's error (EIO when a
 * block cannot be read) or CorruptDirectoryError (EUCLEAN).
 */
export async function listDirectory(
  mount: Ext2fsMount,
  geometry: VolumeGeometry,
  rawPath: Buffer,
  sizeHint: number,
): Promise<DecodedName[]> {
  const data = await readAll(mount, rawPath, sizeHint);
  return sortNames(parseDirectory(data, layoutOf(data, geometry)).map(decodeName));
}
