import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupStaleMounts, openNtfsVolume } from '../../../../src/devices/ntfs/index.js';
import { mountTestsUnavailableReason } from '../../../helpers/badblk.js';
import { sh } from '../directory/reader-harness.js';
import { loopsOf, makeGptDisk, makeNtfsImage, mounted, mountRecords } from './ntfs-images.js';

// The station owns its mounts: a process that mounted through openNtfsVolume and was killed
// (SIGKILL: no close(), no unmount) leaves a record; cleanupStaleMounts unmounts its ntfs-3g
// mount and detaches its loop device, and leaves a live process's mount alone.

const SKIP = mountTestsUnavailableReason();
const DEVICES = fileURLToPath(new URL('../../../../src/devices/', import.meta.url));

let work: string;
let disk: string;
let partition: { offset: number; size: number };
let child: ChildProcess | null = null;

/** src/devices as plain ESM JavaScript in `out`, so that a child node process can import it. */
async function transpileDevices(out: string): Promise<void> {
  const walk = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { withFileTypes: true })).flatMap((e) =>
      e.isDirectory() ? [join(dir, e.name, '/')] : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const pending = [DEVICES];
  while (pending.length > 0) {
    for (const path of await walk(pending.pop()!)) {
      if (path.endsWith('/')) {
        pending.push(path);
        continue;
      }
      const { outputText } = ts.transpileModule(await readFile(path, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      const target = join(out, relative(DEVICES, path)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
  }
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
}

/** Starts a node process that mounts the partition through openNtfsVolume and then waits. */
async function startMountingChild(lib: string): Promise<{ child: ChildProcess; mountPoint: string }> {
  const script = `import { openNtfsVolume } from ${JSON.stringify(join(lib, 'ntfs/index.js'))};
const volume = { devicePath: ${JSON.stringify(disk)}, offset: ${partition.offset}, size: ${partition.size} };
await openNtfsVolume(volume, { workDir: ${JSON.stringify(join(work, 'station'))} });
console.log('mounted');
setInterval(() => {}, 1000);`;
  await writeFile(join(lib, 'mount-and-wait.mjs'), script);
  const proc = spawn(process.execPath, [join(lib, 'mount-and-wait.mjs')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on(
      'data',
      (c: Buffer) => ((output += c.toString()), output.includes('mounted') && resolve()),
    );
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    proc.once('exit', () => reject(new Error(`the mounting child exited: ${output}`)));
  });
  const [record] = (await mountRecords(join(work, 'station'))).filter((r) => r.pid === proc.pid);
  return { child: proc, mountPoint: record!.mountPoint };
}

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-ntfs-stale-'));
  const part = join(work, 'part.img');
  await makeNtfsImage(part, 16, { fill: (mnt) => writeFile(join(mnt, 'hello.txt'), 'hello') });
  disk = join(work, 'disk.img');
  partition = await makeGptDisk(disk, 20, part, 16);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!work) return;
  for (const record of await mountRecords(join(work, 'station'))) {
    if (await mounted(record.mountPoint)) await sh('umount', ['-l', record.mountPoint]);
  }
  for (const loop of await loopsOf(disk).catch(() => [])) await sh('losetup', ['-d', loop]).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(SKIP)(`cleanupStaleMounts${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('unmounts and detaches what a killed process left, and only that', async () => {
    const lib = join(work, 'lib');
    await transpileDevices(lib);
    const started = await startMountingChild(lib);
    child = started.child;
    const live = await openNtfsVolume({ devicePath: disk, ...partition }, { workDir: join(work, 'station') });
    expect(await loopsOf(disk)).toHaveLength(2);

    const killed = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await killed;
    expect(await mounted(started.mountPoint)).toBe(true); // ntfs-3g outlives its owner

    expect(await cleanupStaleMounts(join(work, 'station'))).toEqual([started.mountPoint]);
    expect(await mounted(started.mountPoint)).toBe(false);
    const [liveRecord] = await mountRecords(join(work, 'station'));
    expect(liveRecord?.pid).toBe(process.pid);
    expect(await loopsOf(disk)).toEqual([liveRecord!.loopDevice]);
    expect(await mounted(liveRecord!.mountPoint)).toBe(true);

    expect(await cleanupStaleMounts(join(work, 'station'))).toEqual([]);
    await live.close();
    expect(await loopsOf(disk)).toEqual([]);
    expect(await readdir(join(work, 'station', 'mounts'))).toEqual([]);
  }, 60_000);
});
