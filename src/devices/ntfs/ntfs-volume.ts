import { openDirectoryVolume } from '../directory/index.js';
import { DeviceReadError, type DeviceReader } from '../port.js';
import { runCommand } from './commands.js';
import { attachLoop } from './loop-devices.js';
import { recordLoopDevice, registerMount, releaseMount, type MountRegistration } from './mount-registry.js';
import { mountNtfs3g, NtfsMountFailure } from './ntfs-mount.js';

/**
 * Where an NTFS volume is: a device or image file, and the volume's byte range in it (`size`
 * bounds the loop device of a partition; a volume at offset 0 is mounted from the device itself).
 */
export interface NtfsVolumeLocation {
  readonly devicePath: string;
  readonly offset: number;
  readonly size: number;
}

/** Where the station keeps its mounts, and the label when the caller already knows it. */
export interface NtfsVolumeOptions {
  /** Mount points and their registry go under `${workDir}/mounts/`. */
  readonly workDir: string;
  /** The volume label; when null or absent it is read with `ntfslabel` (read-only). */
  readonly label?: string | null;
}

/** What ntfs-3g is pointed at: the device itself, or a read-only loop device over the partition. */
async function mountSource(volume: NtfsVolumeLocation, registration: MountRegistration): Promise<string> {
  if (volume.offset === 0) return volume.devicePath;
  const loop = await attachLoop(volume.devicePath, volume.offset, volume.size);
  await recordLoopDevice(registration, loop);
  return loop;
}

/** The label as `ntfslabel DEVICE` prints it (it opens O_RDONLY when given no new label); null if it cannot. */
async function readLabel(source: string): Promise<string | null> {
  try {
    const result = await runCommand('ntfslabel', [source], 60_000);
    return result.code === 0 ? result.stdout.trim() || null : null;
  } catch {
    return null;
  }
}

function mountError(volume: NtfsVolumeLocation, err: unknown): DeviceReadError {
  const where = volume.offset === 0 ? volume.devicePath : `${volume.devicePath} at byte ${volume.offset}`;
  const reason = err instanceof Error ? err.message : String(err);
  const errno = (err as NodeJS.ErrnoException).code;
  const code = err instanceof NtfsMountFailure ? err.code : typeof errno === 'string' ? errno : 'EMOUNT';
  return new DeviceReadError({
    code,
    operation: 'mount',
    path: volume.devicePath,
    scope: 'device',
    offset: volume.offset,
    cause: err,
    message: `cannot mount the NTFS volume on ${where}: ${reason}`,
  });
}

/**
 * Mounts the NTFS volume read-only with ntfs-3g (`-o ro,norecover,streams_interface=none`: see
 * NTFS_3G_OPTIONS) under `${workDir}/mounts/` and reads it as a directory volume. A partition
 * (offset > 0) goes through `losetup -r -o OFFSET --sizelimit SIZE` first. The mount is recorded
 * before it is made (cleanupStaleMounts undoes it if this process dies); close() unmounts
 * (lazily when busy), detaches the loop device and removes the record. Throws DeviceReadError
 * (scope device, operation `mount`) when it cannot mount: the code says why (ENOTNTFS,
 * EHIBERNATED, ECORRUPT... from ntfs-3g's exit status) and the message holds ntfs-3g's stderr.
 */
export async function openNtfsVolume(
  volume: NtfsVolumeLocation,
  options: NtfsVolumeOptions,
): Promise<DeviceReader> {
  let registration: MountRegistration;
  try {
    registration = await registerMount(options.workDir, volume);
  } catch (err) {
    throw mountError(volume, err);
  }
  const release = () => releaseMount(registration);
  try {
    const source = await mountSource(volume, registration);
    const label = options.label ?? (await readLabel(source));
    await mountNtfs3g(source, registration.record.mountPoint);
    return await openDirectoryVolume(registration.record.mountPoint, {
      fileSystem: 'NTFS',
      label,
      onClose: release,
    });
  } catch (err) {
    await release().catch(() => {}); // the record stays for cleanupStaleMounts if this fails too
    throw mountError(volume, err);
  }
}
