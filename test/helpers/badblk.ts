import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BadRange } from '../../src/devices/faulty-source.js';

// FAULT INJECTION (tests only): test/fixtures/disks/badblk.c exposes an image as MNT/disk whose
// reads of chosen byte ranges fail with EIO, so that a loop device or ntfs-3g on top of it sees
// real OS errors. Use sector-aligned ranges (multiples of 512) as a disk would have them: the
// loop driver retries short reads at sector granularity.

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('../fixtures/disks/badblk.c', import.meta.url));

/** A running badblk: `path` is the faulty disk file. */
export interface Badblk {
  readonly path: string;
  readonly mountPoint: string;
  /** Kills badblk with SIGKILL and leaves its mount dead (ENOTCONN), like a crashed FUSE daemon. */
  crash(): Promise<void>;
  /** Unmounts (fusermount3 -u, lazily if busy), ends the process and removes the mount point. */
  stop(): Promise<void>;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why badblk cannot run here (no /dev/fuse, fusermount3, gcc or fuse3 headers), or null. */
export function fuseUnavailableReason(): string | null {
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse';
  for (const command of ['fusermount3', 'gcc', 'pkg-config']) if (!onPath(command)) return `no ${command}`;
  try {
    execFileSync('pkg-config', ['--exists', 'fuse3']);
  } catch {
    return 'pkg-config finds no fuse3 (libfuse3-dev)';
  }
  return null;
}

/**
 * Why the mount-based fault tests (badblk under losetup/ntfs-3g) cannot run here: FUSE is
 * missing, or this is not root with loop devices, ntfs-3g and mkntfs; null when they can.
 */
export function mountTestsUnavailableReason(): string | null {
  const fuse = fuseUnavailableReason();
  if (fuse) return fuse;
  if (process.getuid?.() !== 0) return 'not root (losetup, mount and ntfs-3g need it)';
  if (!existsSync('/dev/loop-control')) return 'no /dev/loop-control';
  for (const command of ['losetup', 'ntfs-3g', 'mkntfs', 'ntfsinfo'])
    if (!onPath(command)) return `no ${command}`;
  return null;
}

/** True when badblk can be built and mounted here. */
export function fuseAvailable(): boolean {
  return fuseUnavailableReason() === null;
}

/** Builds badblk once per version of badblk.c, into os.tmpdir()/longshore-badblk-<hash>/. */
async function badblkBinary(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `longshore-badblk-${hash}`);
  const binary = join(dir, 'badblk');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const flags = (await run('pkg-config', ['--cflags', '--libs', 'fuse3'])).stdout.trim().split(/\s+/);
  const partial = `${binary}.${process.pid}`;
  await run('gcc', ['-O2', '-o', partial, SOURCE, ...flags]);
  await rename(partial, binary); // atomic: parallel test files never run a half-written binary
  return binary;
}

async function mounted(mountPoint: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n').some((line) => line.split(' ')[4] === mountPoint);
}

/** Waits until `mountPoint` is mounted; rejects with badblk's stderr if it exits first. */
async function waitForMount(child: ChildProcess, mountPoint: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await mounted(mountPoint))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`badblk exited: ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`badblk did not mount ${mountPoint}: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Serves `image` as `${mountPoint}/disk`, read-only, with reads of `ranges` ([start, end) bytes)
 * failing with EIO. Rejects when badblk cannot be built or mounted.
 */
export async function startBadblk(image: string, ranges: readonly BadRange[]): Promise<Badblk> {
  const binary = await badblkBinary();
  const mountPoint = await mkdtemp(join(tmpdir(), 'longshore-badblk-mnt-'));
  const bad = ranges.map((r) => `${r.start}-${r.end}`).join(',');
  const child = spawn(binary, [image, mountPoint, '-f', '-o', 'ro,allow_other', `--bad=${bad}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (await mounted(mountPoint)) {
      await run('fusermount3', ['-u', mountPoint]).catch(() => run('fusermount3', ['-u', '-z', mountPoint]));
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    await rmdir(mountPoint).catch(() => {});
  };
  try {
    await waitForMount(child, mountPoint, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  const crash = async () => {
    child.kill('SIGKILL');
    await exited(child);
  };
  return { path: join(mountPoint, 'disk'), mountPoint, crash, stop };
}
