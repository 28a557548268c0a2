import { DeviceReadError, type DeviceOperation } from '../port.js';
import type { ReadOnlyCachedDisk } from './cached-disk.js';
import type { Ext2fsError } from './ext2fs-library.js';
import { HeapBudgetError } from './heap-budget.js';

/** libext2fs errcodes are EXT2_ET_BASE + an index into its error table (com_err "ext2"). */
const EXT2_ET_BASE = 2133571328;

/** The table entries this reader can meet, in our own words, by index. */
const EXT2_ERRCODES = new Map<number, string>([
  [19, 'not an ext2/3/4 file system (bad superblock magic)'],
  [20, 'the file system revision is too new'],
  [22, 'the group descriptors cannot be read'],
  [35, 'a directory is corrupt'],
  [36, 'a block read came back short'],
  [59, 'a block group has no inode table'],
  [60, 'the superblock is corrupt'],
  [67, 'the file system has features this reader does not support'],
  [68, 'the file system has read-only features this reader does not support'],
  [74, 'not a directory'],
]);

/**
 * The POSIX code of a library error: its own when it has one, EUCLEAN (structure needs
 * cleaning) for a libext2fs errcode, which always means damaged or foreign metadata here.
 */
function posixCode(err: unknown): string {
  const code = (err as Ext2fsError | undefined)?.code;
  return code && code !== 'UNKNOWN' ? code : 'EUCLEAN';
}

function describe(err: unknown): string {
  if (err instanceof HeapBudgetError) return err.message;
  const errno = (err as Ext2fsError | undefined)?.errno;
  if (errno == null || errno < EXT2_ET_BASE) return posixCode(err);
  return EXT2_ERRCODES.get(errno - EXT2_ET_BASE) ?? `libext2fs error ${errno - EXT2_ET_BASE}`;
}

/**
 * Turns a library failure on `path` into a DeviceReadError. When the disk has seen the device go
 * away, the error has scope `device` and the device's code; otherwise the library's code (EIO for
 * a bad sector) and scope `file`, unless `where.scope` says the failure takes the whole volume.
 */
export function extFailure(
  disk: ReadOnlyCachedDisk,
  operation: DeviceOperation,
  path: string,
  err: unknown,
  where: { offset?: number | null; scope?: 'file' | 'device' } = {},
): DeviceReadError {
  const offset = where.offset ?? null;
  if (disk.gone) {
    return new DeviceReadError({
      code: disk.gone.code,
      operation,
      path,
      scope: 'device',
      offset,
      cause: disk.gone,
      message: `${operation} ${path || '/'} failed: the device is gone (${disk.gone.code})`,
    });
  }
  const at = offset != null ? ` at byte ${offset}` : '';
  return new DeviceReadError({
    code: posixCode(err),
    operation,
    path,
    scope: where.scope ?? 'file',
    offset,
    cause: err,
    message: `${operation} ${path || '/'} failed${at}: ${describe(err)}`,
  });
}

/**
 * The error for a volume that libext2fs would not mount: scope `device`, operation `mount`.
 * EIO (or the device's code) when the disk failed; EUCLEAN when the metadata is not a valid
 * ext2/3/4 file system.
 */
export function mountFailure(disk: ReadOnlyCachedDisk, sourceName: string, err: unknown): DeviceReadError {
  const diskFailure = disk.gone ?? (posixCode(err) === 'EIO' ? disk.lastFailure : null);
  const code = diskFailure ? diskFailure.code : posixCode(err);
  const reason = diskFailure ? `the device could not be read (${diskFailure.message})` : describe(err);
  return new DeviceReadError({
    code,
    operation: 'mount',
    path: sourceName,
    scope: 'device',
    offset: diskFailure?.offset ?? null,
    cause: err,
    message: `cannot mount ${sourceName} as ext2/3/4: ${reason}`,
  });
}
