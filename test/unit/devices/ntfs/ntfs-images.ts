import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountsDir, type MountRecord } from '../../../../src/devices/ntfs/index.js';
import { sh } from '../directory/reader-harness.js';

// Building NTFS test images at test time: mkntfs, then a read-write ntfs-3g mount to fill it.

async function isMountPoint(path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n').some((line) => line.split(' ')[4] === path);
}

/**
 * Runs `fill(mountPoint)` on a read-write ntfs-3g mount of `image`. ntfs-3g runs in the
 * foreground (no_detach) so that its exit, which is when the image is fully written, can be
 * awaited after the unmount.
 */
export async function withWritableNtfs(
  image: string,
  fill: (mountPoint: string) => Promise<void>,
): Promise<void> {
  const mountPoint = await mkdtemp(join(tmpdir(), 'longshore-ntfs-fill-'));
  const child = spawn('ntfs-3g', ['-o', 'no_detach', image, mountPoint], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 15_000;
    while (!(await isMountPoint(mountPoint))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`ntfs-3g did not mount ${image}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await fill(mountPoint);
  } finally {
    if (await isMountPoint(mountPoint)) await sh('umount', [mountPoint]);
    if (child.exitCode === null) await exited;
    await rmdir(mountPoint);
  }
}

/** A fresh NTFS image of `sizeMiB`, optionally labelled and filled through a mount. */
export async function makeNtfsImage(
  image: string,
  sizeMiB: number,
  options: { label?: string; fill?: (mountPoint: string) => Promise<void> } = {},
): Promise<void> {
  await sh('truncate', ['-s', `${sizeMiB}M`, image]);
  await sh('mkntfs', ['-q', '-F', '-f', ...(options.label ? ['-L', options.label] : []), image]);
  if (options.fill) await withWritableNtfs(image, options.fill);
}

/** One run of an attribute: `length` clusters at virtual cluster `vcn`, stored at `lcn`. */
export interface Run {
  readonly vcn: number;
  readonly lcn: number;
  readonly length: number;
}

/** The runlist of `attribute` ($DATA, $INDEX_ALLOCATION) of `path` in `image`, from `ntfsinfo -v -F`. */
export async function runlistOf(image: string, path: string, attribute: string): Promise<Run[]> {
  const dump = await sh('ntfsinfo', ['-v', '-F', path, image]);
  const section = dump.split('Dumping attribute ').find((s) => s.startsWith(`${attribute} `));
  if (!section) throw new Error(`${path} has no ${attribute} in ${image}`);
  const runs = [...section.matchAll(/^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s*$/gim)];
  return runs.map((m) => ({
    vcn: parseInt(m[1]!, 16),
    lcn: parseInt(m[2]!, 16),
    length: parseInt(m[3]!, 16),
  }));
}

/** The volume's cluster size in bytes (`ntfsinfo -m`). */
export async function clusterSizeOf(image: string): Promise<number> {
  const match = /Cluster Size:\s+(\d+)/.exec(await sh('ntfsinfo', ['-m', image]));
  if (!match) throw new Error(`no cluster size for ${image}`);
  return Number(match[1]);
}

/** The mount records under `${workDir}/mounts/`. */
export async function mountRecords(workDir: string): Promise<MountRecord[]> {
  const dir = mountsDir(workDir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as MountRecord));
}

/** Whether anything is mounted at `path`. */
export const mounted = isMountPoint;

/** The loop devices attached to `file` (`losetup -j`). */
export async function loopsOf(file: string): Promise<string[]> {
  const out = await sh('losetup', ['-j', file]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(':')[0]!);
}

/**
 * A GPT disk image of `diskMiB` whose one partition, at 1 MiB, holds the volume image `part`
 * (`sfdisk` for the table, `dd conv=notrunc` for the volume). Returns the partition's offset and size.
 */
export async function makeGptDisk(disk: string, diskMiB: number, part: string, partMiB: number) {
  await sh('truncate', ['-s', `${diskMiB}M`, disk]);
  const sectors = (partMiB << 20) / 512;
  const table = `label: gpt\nstart=2048, size=${sectors}, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sfdisk', ['-q', disk], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sfdisk: ${stderr}`))));
    child.stdin.end(table);
  });
  await sh('dd', [`if=${part}`, `of=${disk}`, 'bs=1M', 'seek=1', 'conv=notrunc,sparse', 'status=none']);
  return { offset: 1 << 20, size: partMiB << 20 };
}
