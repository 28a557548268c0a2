import { promises as fsp, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';

/** One line of /proc/self/mounts or /proc/swaps: what is mounted (or swapped on), and where. */
interface MountUse {
  source: string;
  mountPoint: string;
  fsType: string;
}

/** `MAJOR:MINOR` of a Linux device number (glibc's dev_t layout: 12+20 bits of major, 20+12 of minor). */
export function deviceNumber(rdev: number): string {
  const dev = BigInt(rdev);
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The device's folder in sysfs (`/sys/devices/.../block/sdc/sdc1`), or null when sysfs has none. */
export async function sysfsPathOf(stats: Stats): Promise<string | null> {
  if (!stats.isBlockDevice()) return null;
  return fsp.realpath(`/sys/dev/block/${deviceNumber(stats.rdev)}`).catch(() => null);
}

/** The kernel name of the disk a partition belongs to (`sdc` for sdc1), or null for a whole disk. */
export async function partitionParent(stats: Stats): Promise<string | null> {
  const sysfs = await sysfsPathOf(stats);
  if (sysfs === null) return null;
  const isPartition = await fsp.access(`${sysfs}/partition`).then(
    () => true,
    () => false,
  );
  return isPartition ? basename(dirname(sysfs)) : null;
}

/** `\040`-style escapes of /proc/self/mounts back to characters. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

async function readLines(path: string): Promise<string[]> {
  const text = await fsp.readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Everything mounted, and every swap device or file. */
async function mountUses(): Promise<MountUse[]> {
  const mounts = (await readLines('/proc/self/mounts')).map((line) => {
    const [source = '', mountPoint = '', fsType = ''] = line.split(' ').map(unescapeMountField);
    return { source, mountPoint, fsType };
  });
  const swaps = (await readLines('/proc/swaps')).slice(1).map((line) => ({
    source: unescapeMountField(line.split(/\s+/)[0] ?? ''),
    mountPoint: '[swap]',
    fsType: 'swap',
  }));
  return [...mounts, ...swaps];
}

/** True when `inner` is `outer` or lies below it (a partition below its disk in sysfs). */
function within(inner: string | null, outer: string): boolean {
  return inner !== null && (inner === outer || inner.startsWith(`${outer}/`));
}

/** Whether `candidate` (a path from the kernel) names the target's bytes or a part of them. */
async function coversTarget(candidate: string, target: Stats, targetSysfs: string | null): Promise<boolean> {
  const stats = await fsp.stat(candidate).catch(() => null);
  if (stats === null) return false;
  if (targetSysfs !== null) return within(await sysfsPathOf(stats), targetSysfs);
  return stats.isFile() && stats.dev === target.dev && stats.ino === target.ino;
}

/** sysfs folders of the loop devices whose backing file is the target (or one of its partitions). */
async function loopsOver(target: Stats, targetSysfs: string | null): Promise<Map<string, string>> {
  const loops = new Map<string, string>();
  const names = await fsp.readdir('/sys/block').catch(() => [] as string[]);
  for (const name of names.filter((n) => /^loop\d+$/.test(n))) {
    const backing = await fsp.readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => null);
    if (backing === null || !(await coversTarget(backing.trim(), target, targetSysfs))) continue;
    const sysfs = await fsp.realpath(`/sys/block/${name}`).catch(() => null);
    if (sysfs !== null) loops.set(sysfs, `/dev/${name}`);
  }
  return loops;
}

/** Whether a mount's source is a FUSE file system over the target image (fuse2fs, ntfs-3g). */
function fuseOverImage(use: MountUse, path: string): boolean {
  return use.fsType.startsWith('fuse') && !isAbsolute(use.source) && basename(use.source) === basename(path);
}

/**
 * Why the device or image at `path` must not be erased now, or null when nothing uses it: it (or
 * one of its partitions) is mounted or swapped on, directly, through a loop device backed by it,
 * or through a FUSE file system over the image. Reads /proc/self/mounts, /proc/swaps and sysfs;
 * never throws (an unreadable entry counts as unrelated).
 */
export async function findMountedUse(path: string, target: Stats): Promise<string | null> {
  const targetSysfs = await sysfsPathOf(target);
  const loops = await loopsOver(target, targetSysfs);
  for (const use of await mountUses()) {
    const where = use.mountPoint === '[swap]' ? 'in use as swap' : `mounted on ${use.mountPoint}`;
    if (target.isFile() && fuseOverImage(use, path))
      return `${path} seems to be mounted on ${use.mountPoint} (${use.fsType})`;
    if (!isAbsolute(use.source)) continue;
    if (await coversTarget(use.source, target, targetSysfs)) return `${use.source} is ${where}`;
    const stats = await fsp.stat(use.source).catch(() => null);
    const sysfs = stats === null ? null : await sysfsPathOf(stats);
    for (const [loopSysfs, loop] of loops) {
      if (!within(sysfs, loopSysfs)) continue;
      const via = use.source === loop ? `backed by ${path}` : `on ${loop}, backed by ${path}`;
      return `${use.source} (${via}) is ${where}`;
    }
  }
  return null;
}
