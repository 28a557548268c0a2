import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMountTable } from '../directory/index.js';
import { processAlive, processStartTime } from './commands.js';
import { detachLoop, loopBackedBy, loopsBackedBy } from './loop-devices.js';
import { unmount } from './ntfs-mount.js';

/** What the station mounted, written before it mounts and removed after a clean unmount. */
export interface MountRecord {
  readonly mountPoint: string;
  /** The loop device made for a partition (offset > 0); null when the device was mounted as is. */
  readonly loopDevice: string | null;
  /** The process that mounted, and its start time (so a reused pid is not taken for it). */
  readonly pid: number;
  readonly pidStartTime: string | null;
  readonly createdAt: string;
  /** What was mounted: lets a cleanup find a loop device attached before it was recorded. */
  readonly devicePath: string;
  readonly offset: number;
}

/** One mount this process is making: its record and where the record lives. */
export interface MountRegistration {
  readonly file: string;
  record: MountRecord;
}

/** `${workDir}/mounts` as an absolute path (mountinfo names mount points absolutely). */
export function mountsDir(workDir: string): string {
  return join(resolve(workDir), 'mounts');
}

async function writeRecord(registration: MountRegistration): Promise<void> {
  const temporary = `${registration.file}.${process.pid}.tmp`;
  await fsp.writeFile(temporary, `${JSON.stringify(registration.record, null, 2)}\n`);
  await fsp.rename(temporary, registration.file);
}

/**
 * Picks a fresh mount point under `${workDir}/mounts/`, creates it and records it (with this
 * process's pid) before anything is mounted. Errors: the fs errors of mkdir and writeFile.
 */
export async function registerMount(
  workDir: string,
  volume: { devicePath: string; offset: number },
): Promise<MountRegistration> {
  const dir = mountsDir(workDir);
  const id = `ntfs-${process.pid}-${randomBytes(4).toString('hex')}`;
  const mountPoint = join(dir, id);
  await fsp.mkdir(mountPoint, { recursive: true });
  const registration: MountRegistration = {
    file: join(dir, `${id}.json`),
    record: {
      mountPoint,
      loopDevice: null,
      pid: process.pid,
      pidStartTime: await processStartTime(process.pid),
      createdAt: new Date().toISOString(),
      devicePath: volume.devicePath,
      offset: volume.offset,
    },
  };
  await writeRecord(registration);
  return registration;
}

/** Records the loop device a mount uses, as soon as losetup has named it. */
export async function recordLoopDevice(registration: MountRegistration, loopDevice: string): Promise<void> {
  registration.record = { ...registration.record, loopDevice };
  await writeRecord(registration);
}

/**
 * Undoes a mount: unmounts (lazily when busy), detaches its loop device and `orphanLoops` (each
 * only if still backed by the recorded device, so a reused loop number is left alone), removes
 * the empty mount point and, last, the record. Throws the first failure and keeps the record.
 */
export async function releaseMount(
  registration: MountRegistration,
  orphanLoops: readonly string[] = [],
): Promise<void> {
  const { record } = registration;
  await unmount(record.mountPoint);
  for (const loop of [...(record.loopDevice ? [record.loopDevice] : []), ...orphanLoops]) {
    if (await loopBackedBy(loop, record.devicePath, record.offset)) await detachLoop(loop);
  }
  await fsp.rmdir(record.mountPoint).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fsp.rm(registration.file, { force: true });
}

/**
 * Loop devices a dead process attached but had not recorded yet (it died between losetup and
 * the record's update): attached to its device at its offset, mounted nowhere and named by no
 * other record.
 */
async function orphanLoopsOf(record: MountRecord, all: readonly MountRegistration[]): Promise<string[]> {
  if (record.loopDevice || record.offset === 0) return [];
  const mounted = new Set((await readMountTable()).map((mount) => mount.source));
  const recorded = new Set(all.map((r) => r.record.loopDevice));
  const loops = await loopsBackedBy(record.devicePath, record.offset);
  return loops.filter((loop) => !mounted.has(loop) && !recorded.has(loop));
}

/** True when the process that made `record` is still running. */
async function ownerAlive(record: MountRecord): Promise<boolean> {
  if (!processAlive(record.pid)) return false;
  const started = await processStartTime(record.pid);
  return record.pidStartTime === null || started === null || started === record.pidStartTime;
}

async function readRegistrations(dir: string): Promise<MountRegistration[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const registrations: MountRegistration[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = join(dir, name);
    try {
      registrations.push({ file, record: JSON.parse(await fsp.readFile(file, 'utf8')) as MountRecord });
    } catch {
      // A record cut short by a crash while it was written: the .tmp beside it never landed.
    }
  }
  return registrations;
}

/**
 * Unmounts and detaches everything that a process no longer running left under
 * `${workDir}/mounts/` (the station CLI calls it on every start), and returns the mount points
 * it cleaned. Live processes' mounts are left alone. Throws the first unmount/detach failure
 * (umount's or losetup's message), after trying every record.
 */
export async function cleanupStaleMounts(workDir: string): Promise<string[]> {
  const cleaned: string[] = [];
  let firstFailure: unknown = null;
  const registrations = await readRegistrations(mountsDir(workDir));
  for (const registration of registrations) {
    if (await ownerAlive(registration.record)) continue;
    try {
      await releaseMount(registration, await orphanLoopsOf(registration.record, registrations));
      cleaned.push(registration.record.mountPoint);
    } catch (err) {
      firstFailure ??= err;
    }
  }
  if (firstFailure) throw firstFailure;
  return cleaned;
}
