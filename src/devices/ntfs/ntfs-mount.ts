import { readMountTable } from '../directory/index.js';
import { commandOutput, runCommand } from './commands.js';

/**
 * ntfs-3g's options. `ro`: the device is opened O_RDONLY and, on a read-only mount, ntfs-3g
 * skips its hibernation and $LogFile checks instead of acting on them, so a hibernated or
 * uncleanly unmounted volume mounts as it stands and nothing is replayed or reset (its data may
 * be older than Windows' cache had it). `norecover` is there as well so that the $LogFile is
 * never cleared even if `ro` were ever dropped; `remove_hiberfile` is never used (it writes).
 * `streams_interface=none` hides alternate data streams; `noatime` for good measure, and
 * `nosuid,nodev,noexec` because the volume comes from a stranger.
 */
export const NTFS_3G_OPTIONS = 'ro,norecover,streams_interface=none,noatime,nosuid,nodev,noexec';

/** ntfs-3g's exit statuses (ntfs-3g.probe(8)), as DeviceReadError codes. */
const NTFS_3G_EXIT_CODES: Record<number, string> = {
  11: 'ESYNTAX',
  12: 'ENOTNTFS',
  13: 'ECORRUPT',
  14: 'EHIBERNATED',
  15: 'EUNCLEAN',
  16: 'EBUSY',
  17: 'ERAID',
  18: 'EUNKNOWN',
  19: 'EPERM',
  20: 'ENOMEM',
  21: 'EFUSE',
};

/** Why ntfs-3g refused: its stderr and the code its exit status stands for. */
export class NtfsMountFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'NtfsMountFailure';
    this.code = code;
  }
}

/**
 * Mounts the NTFS volume `source` (a device, loop device or image) read-only at `mountPoint`.
 * ntfs-3g detaches once the mount is in place. Throws NtfsMountFailure with ntfs-3g's stderr
 * and the meaning of its exit status; rejects with ENOENT when ntfs-3g is not installed.
 */
export async function mountNtfs3g(source: string, mountPoint: string): Promise<void> {
  const result = await runCommand('ntfs-3g', ['-o', NTFS_3G_OPTIONS, source, mountPoint]);
  if (result.code === 0) return;
  const code = result.code === null ? 'ETIMEDOUT' : (NTFS_3G_EXIT_CODES[result.code] ?? `EXIT${result.code}`);
  throw new NtfsMountFailure(code, `ntfs-3g could not mount ${source} (${code}): ${commandOutput(result)}`);
}

/** True when something is mounted at exactly `mountPoint`. */
export async function isMounted(mountPoint: string): Promise<boolean> {
  return (await readMountTable()).some((mount) => mount.mountPoint === mountPoint);
}

/**
 * Unmounts `mountPoint`; when it is busy, detaches it lazily (`umount -l`) so the kernel
 * finishes once the last file is closed. Not being mounted is fine. Throws an Error with
 * umount's message otherwise.
 */
export async function unmount(mountPoint: string): Promise<void> {
  if (!(await isMounted(mountPoint))) return;
  const first = await runCommand('umount', [mountPoint]);
  if (first.code === 0 || !(await isMounted(mountPoint))) return;
  if (!/busy/i.test(first.stderr)) throw new Error(`umount ${mountPoint} failed: ${commandOutput(first)}`);
  const lazy = await runCommand('umount', ['-l', mountPoint]);
  if (lazy.code !== 0) throw new Error(`umount -l ${mountPoint} failed: ${commandOutput(lazy)}`);
}
