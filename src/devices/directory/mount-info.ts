import { promises as fsp } from 'node:fs';
import { detectFileSystem, PROBE_BYTES } from '../detect.js';
import { DeviceReadError, type FileSystemKind } from '../port.js';
import { errnoCode } from './errors.js';

/** One line of /proc/self/mountinfo: where, what type, mounted from what. */
export interface MountInfo {
  readonly mountPoint: string;
  /** The type as the kernel names it: `ext2`, `vfat`, `fuse`, `fuseblk`, `fuse.ntfs-3g`... */
  readonly fsType: string;
  /** What was mounted: a device node, an image file, or a FUSE fsname. */
  readonly source: string;
}

/** A mount and the file system it holds. */
export interface MountedFileSystem extends MountInfo {
  readonly fileSystem: FileSystemKind;
}

/** Kernel types whose name says the file system. */
const KNOWN_TYPES: Record<string, FileSystemKind> = {
  ext2: 'ext2',
  ext3: 'ext3',
  ext4: 'ext4',
  ntfs: 'NTFS',
  ntfs3: 'NTFS',
  'fuse.ntfs-3g': 'NTFS',
  'fuseblk.ntfs-3g': 'NTFS',
  'fuse.lowntfs-3g': 'NTFS',
  xfs: 'XFS',
  exfat: 'exFAT',
  'fuse.exfat': 'exFAT',
  btrfs: 'btrfs',
  iso9660: 'ISO9660',
  hfs: 'HFS',
  hfsplus: 'HFS+',
  f2fs: 'F2FS',
};

/**
 * Undoes mountinfo's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
 * The text is taken as latin1 so that escaped and raw bytes both come back as UTF-8.
 */
export function unescapeMountField(field: string): string {
  const bytes = field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Parses mountinfo text (read as latin1) into mounts, in the file's order. */
export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    mounts.push({
      mountPoint: unescapeMountField(fields[4]!),
      fsType: unescapeMountField(fields[dash + 1]!),
      source: unescapeMountField(fields[dash + 2]!),
    });
  }
  return mounts;
}

/** The current process's mounts. Errors: the read's errno, as thrown by Node. */
export async function readMountTable(): Promise<MountInfo[]> {
  return parseMountInfo(await fsp.readFile('/proc/self/mountinfo', 'latin1'));
}

/** The mount holding `path` (absolute, resolved): the longest mount point that contains it; the last mounted wins a tie. */
export function mountContaining(mounts: readonly MountInfo[], path: string): MountInfo | null {
  let best: MountInfo | null = null;
  for (const mount of mounts) {
    const prefix = mount.mountPoint.endsWith('/') ? mount.mountPoint : `${mount.mountPoint}/`;
    const contains = path === mount.mountPoint || path.startsWith(prefix);
    if (contains && (!best || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** What the first bytes of `source` hold, or null when it is not a readable file or device. */
async function probeSource(source: string): Promise<FileSystemKind | null> {
  if (!source.startsWith('/')) return null;
  try {
    const handle = await fsp.open(source, 'r');
    try {
      const buffer = Buffer.alloc(PROBE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
      return detectFileSystem(buffer.subarray(0, bytesRead)).kind;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * The file system of a mount. The kernel's type decides where it can (ext2/3/4, ntfs, ntfs3,
 * xfs, exfat...); FAT's width (vfat/msdos) and what a plain `fuse`/`fuseblk` mount holds (ntfs-3g
 * on an image shows as `fuse`, on a device as `fuseblk`) come from the source's first bytes when
 * it can be read. FAT defaults to FAT32; anything else unknown is 'unknown'.
 */
export async function fileSystemOfMount(mount: MountInfo): Promise<FileSystemKind> {
  const known = KNOWN_TYPES[mount.fsType];
  if (known) return known;
  if (mount.fsType === 'vfat' || mount.fsType === 'msdos') {
    const probed = await probeSource(mount.source);
    return probed === 'FAT12' || probed === 'FAT16' ? probed : 'FAT32';
  }
  if (mount.fsType === 'fuse' || mount.fsType === 'fuseblk' || mount.fsType.startsWith('fuse')) {
    return (await probeSource(mount.source)) ?? 'unknown';
  }
  return 'unknown';
}

/**
 * Which mount holds `path` and what file system it is, from /proc/self/mountinfo: the longest
 * mount point containing the resolved path. Throws DeviceReadError (scope device, operation
 * `detect`) when the path cannot be resolved or no mount holds it.
 */
export async function mountedFileSystemOf(path: string): Promise<MountedFileSystem> {
  let resolved: string;
  let mount: MountInfo | null;
  try {
    resolved = await fsp.realpath(path);
    mount = mountContaining(await readMountTable(), resolved);
  } catch (err) {
    throw new DeviceReadError({
      code: errnoCode(err),
      operation: 'detect',
      path,
      scope: 'device',
      cause: err,
    });
  }
  if (!mount) {
    throw new DeviceReadError({
      code: 'ENOENT',
      operation: 'detect',
      path,
      scope: 'device',
      message: `${path}: no mount holds it`,
    });
  }
  return { ...mount, fileSystem: await fileSystemOfMount(mount) };
}
