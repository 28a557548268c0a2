import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import { eraseDevice, eraseTarget } from '../../../../src/station/erase/index.js';

// Real block devices: loop devices over image files (root and losetup, as on CI; skipped elsewhere).
const MiB = 1024 * 1024;
const canLoop = process.getuid?.() === 0 && hasCommand('losetup') && existsSync('/dev/loop-control');
const canFuse = canLoop && hasCommand('fuse2fs') && existsSync('/dev/fuse');

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8' }).trim();
}

let dir: string;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longshore-erase-dev-'));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // already gone
    }
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function attachLoop(image: string): string {
  const loop = run('losetup', ['-f', '--show', image]);
  cleanups.push(() => run('losetup', ['-d', loop]));
  return loop;
}

async function ext2Image(name: string): Promise<string> {
  const image = join(dir, name);
  run('mke2fs', ['-q', '-t', 'ext2', '-F', image, '8M']);
  return image;
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  expect((err as CatalogError).code).toBe('InvalidParameterException');
  return (err as { details: { reason: string } }).details.reason;
}

describe.skipIf(!canLoop)('eraseDevice on a block device', () => {
  it('zero-fills a whole loop device with direct writes and reads, size from sysfs', async () => {
    const image = join(dir, 'disk.img');
    await writeFile(image, randomBytes(24 * MiB));
    const loop = attachLoop(image);
    const result = await eraseDevice(loop);
    expect(result).toMatchObject({ path: loop, kind: 'block-device', bytes: 24 * MiB, directWrites: true });
    expect(result.verification).toMatchObject({ direct: true, nonZeroOffset: null });
    expect((await readFile(image)).every((b) => b === 0)).toBe(true);
    expect((await stat(image)).size).toBe(24 * MiB);
  });

  it('refuses a mounted device, and the image behind a mounted loop device', async () => {
    const image = await ext2Image('mounted.img');
    const loop = attachLoop(image);
    const mountPoint = join(dir, 'mnt');
    await mkdir(mountPoint, { recursive: true });
    run('mount', ['-o', 'ro', loop, mountPoint]);
    cleanups.push(() => run('umount', [mountPoint]));
    expect(await reason(eraseTarget(loop))).toBe(`${loop} is mounted on ${mountPoint}: unmount it first`);
    expect(await reason(eraseDevice(image))).toBe(
      `${loop} (backed by ${image}) is mounted on ${mountPoint}: unmount it first`,
    );
  });

  it.skipIf(!canFuse)('refuses an image mounted through FUSE', async () => {
    const image = await ext2Image('fuse.img');
    const mountPoint = join(dir, 'fuse-mnt');
    await mkdir(mountPoint, { recursive: true });
    run('fuse2fs', ['-o', 'ro,fakeroot', image, mountPoint]);
    cleanups.push(() => run('umount', [mountPoint]));
    expect(await reason(eraseTarget(image))).toMatch(/is mounted on .*fuse-mnt: unmount it first$/);
  });
});
