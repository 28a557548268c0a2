import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountedFileSystemOf, openDirectoryVolume } from '../../../../src/devices/directory/index.js';
import { DeviceReadError, type DeviceReader } from '../../../../src/devices/port.js';
import { mountTestsUnavailableReason, startBadblk, type Badblk } from '../../../helpers/badblk.js';
import { readEverything, sh, sha256Of, type ReadOutcome } from './reader-harness.js';

// FAULT INJECTION through the real OS: an ext2 image served by badblk (FUSE) with two bad
// blocks, attached with `losetup -r` and mounted by the kernel (`mount -t ext2 -o ro`). The
// directory reader must see the kernel's EIO on exactly one file (at the bad block's offset)
// and on exactly one directory's listing, and read everything else right.

const SKIP = mountTestsUnavailableReason();
const BLOCK = 4096;
const VICTIM_BAD_BLOCK = 9; // the victim's 10th block
const files: Record<string, Buffer> = {
  'a.bin': randomBytes(150_000),
  'victim.bin': randomBytes(300_000),
  'z.bin': randomBytes(70_000),
  'lost/one.txt': Buffer.from('one'),
  'lost/two.txt': Buffer.from('two'),
  'kept/three.txt': Buffer.from('three'),
};

let work: string;
let badblk: Badblk | null = null;
let loop: string | null = null;
let mountPoint: string | null = null;
let reader: DeviceReader | null = null;

/** The file-system blocks of `path` in the image, as debugfs lists them. */
async function blocksOf(image: string, path: string): Promise<number[]> {
  const out = await sh('debugfs', ['-R', `blocks ${path}`, image]);
  return out.trim().split(/\s+/).map(Number);
}

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-ext2-badblk-'));
  const src = join(work, 'src');
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(join(src, path, '..'), { recursive: true });
    await writeFile(join(src, path), bytes);
  }
  const image = join(work, 'ext2.img');
  await sh('mke2fs', ['-q', '-t', 'ext2', '-b', String(BLOCK), '-d', src, '-F', image, '16M']);
  const victimBlock = (await blocksOf(image, '/victim.bin'))[VICTIM_BAD_BLOCK]!;
  const lostBlock = (await blocksOf(image, '/lost'))[0]!;
  badblk = await startBadblk(image, [
    { start: victimBlock * BLOCK, end: (victimBlock + 1) * BLOCK },
    { start: lostBlock * BLOCK + 512, end: lostBlock * BLOCK + 1024 },
  ]);
  loop = (await sh('losetup', ['-r', '-f', '--show', badblk.path])).trim();
  mountPoint = join(work, 'mnt');
  await mkdir(mountPoint);
  await sh('mount', ['-t', 'ext2', '-o', 'ro', loop, mountPoint]);
  reader = await openDirectoryVolume(mountPoint, { fileSystem: 'ext2' });
});

afterAll(async () => {
  await reader?.close();
  if (mountPoint) await sh('umount', [mountPoint]).catch(() => sh('umount', ['-l', mountPoint!]));
  if (loop) await sh('losetup', ['-d', loop]).catch(() => {});
  await badblk?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(SKIP)(
  `directory reader over a kernel ext2 mount on badblk${SKIP ? ` (skipped: ${SKIP})` : ''}`,
  () => {
    it('knows the mount is ext2 on the loop device', async () => {
      expect(await mountedFileSystemOf(join(mountPoint!, 'kept'))).toMatchObject({
        mountPoint,
        fsType: 'ext2',
        source: loop,
        fileSystem: 'ext2',
      });
    });

    it('fails one file at the bad block and one directory listing; the walk and the rest go on', async () => {
      const { entries, reads } = await readEverything(reader!);
      const lost = entries.find((e) => e.path === 'lost');
      expect(lost?.error).toBeInstanceOf(DeviceReadError);
      expect(lost?.error).toMatchObject({ code: 'EIO', operation: 'readdir', path: 'lost', scope: 'file' });
      expect(entries.some((e) => e.path.startsWith('lost/'))).toBe(false);
      expect(entries.filter((e) => e.error).map((e) => e.path)).toEqual(['lost']);

      const victim = reads.get('victim.bin') as { error: DeviceReadError };
      expect(victim.error).toMatchObject({
        code: 'EIO',
        operation: 'read',
        path: 'victim.bin',
        scope: 'file',
      });
      expect(victim.error.offset).toBe(VICTIM_BAD_BLOCK * BLOCK);

      const good = (path: string): ReadOutcome => ({
        sha256: sha256Of(files[path]!),
        bytes: files[path]!.length,
      });
      for (const path of ['a.bin', 'z.bin', 'kept/three.txt'])
        expect(reads.get(path), path).toEqual(good(path));
    });
  },
);
