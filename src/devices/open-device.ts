import { promises as fsp } from 'node:fs';
import { openBlockSource, sliceBlockSource, type BlockSource } from './block-source.js';
import { openDirectoryVolume, mountedFileSystemOf } from './directory/index.js';
import { openExtVolume } from './ext/index.js';
import { openFatVolume } from './fat/index.js';
import { readDeviceLayout, type DeviceLayout, type Volume } from './layout.js';
import { openNtfsVolume } from './ntfs/index.js';
import { DeviceReadError, type DeviceReader, type FileSystemKind } from './port.js';

/** How readers are set up: FAT's time zone, where NTFS mounts go. */
export interface ReaderOptions {
  /** IANA zone FAT timestamps are read in (DECISIONS §9; default UTC). */
  readonly fatTimeZone: string;
  /** The station's working directory: NTFS mount points and their registry. */
  readonly workDir: string;
}

/** A raw device or image file with its volumes. */
export interface BlockDevice {
  readonly kind: 'block';
  readonly path: string;
  readonly source: BlockSource;
  readonly layout: DeviceLayout;
  close(): Promise<void>;
}

/** A directory the operator already mounted. */
export interface MountedDevice {
  readonly kind: 'mounted';
  readonly path: string;
  readonly fileSystem: FileSystemKind;
  readonly mountPoint: string;
  close(): Promise<void>;
}

export type OpenedDevice = BlockDevice | MountedDevice;

/**
 * Opens what the operator named (`--device`): a directory is a mounted volume (its file system
 * from /proc/self/mountinfo); anything else is opened read-only as a raw device or image file and
 * its layout read. Errors: the open's own errno (ENOENT, EACCES...) as thrown by Node, or a
 * DeviceReadError (scope device) when the first sectors cannot be read.
 */
export async function openDevice(path: string): Promise<OpenedDevice> {
  const stat = await fsp.stat(path);
  if (stat.isDirectory()) {
    const mount = await mountedFileSystemOf(path);
    return {
      kind: 'mounted',
      path,
      fileSystem: mount.fileSystem,
      mountPoint: mount.mountPoint,
      close: async () => {},
    };
  }
  const source = await openBlockSource(path);
  try {
    const layout = await readDeviceLayout(source);
    return { kind: 'block', path, source, layout, close: () => source.close() };
  } catch (err) {
    await source.close();
    throw err;
  }
}

/**
 * A reader for one volume of a block device. FAT (all three widths) and ext2/3/4 are read in
 * userspace from the volume's bytes; NTFS through a read-only ntfs-3g mount the reader owns.
 * Throws DeviceReadError (operation `mount`) for a kind no reader handles.
 */
export async function openVolumeReader(
  device: BlockDevice,
  volume: Volume,
  options: ReaderOptions,
  source: BlockSource = device.source,
): Promise<DeviceReader> {
  const kind = volume.detection.kind;
  const name = volume.index === null ? device.path : `${device.path}#p${volume.index}`;
  const slice = sliceBlockSource(keepOpen(source), volume.offset, volume.size, name);
  switch (kind) {
    case 'FAT12':
    case 'FAT16':
    case 'FAT32':
      return openFatVolume(slice, { timeZone: options.fatTimeZone });
    case 'ext2':
    case 'ext3':
    case 'ext4':
      return openExtVolume(slice, { kind, needsRecovery: volume.detection.needsRecovery });
    case 'NTFS':
      return openNtfsVolume(
        { devicePath: device.path, offset: volume.offset, size: volume.size },
        { workDir: options.workDir, label: volume.detection.label },
      );
    default:
      throw new DeviceReadError({
        code: 'EUNSUPPORTED',
        operation: 'mount',
        path: name,
        scope: 'device',
        message: `${name}: no reader for ${kind}`,
      });
  }
}

/** A reader over an already-mounted directory. */
export function openMountedReader(device: MountedDevice): Promise<DeviceReader> {
  return openDirectoryVolume(device.path, { fileSystem: device.fileSystem });
}

/** A view whose close() leaves the device open: readers close their view, the device closes itself. */
function keepOpen(source: BlockSource): BlockSource {
  return { name: source.name, size: source.size, read: (...a) => source.read(...a), close: async () => {} };
}
