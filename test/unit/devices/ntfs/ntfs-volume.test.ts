import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountedFileSystemOf } from '../../../../src/devices/directory/index.js';
import { mountsDir, openNtfsVolume } from '../../../../src/devices/ntfs/index.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { mountTestsUnavailableReason } from '../../../helpers/badblk.js';
import { readEverything, sh, sha256OfFile, sha256Of } from '../directory/reader-harness.js';
import { loopsOf, makeGptDisk, makeNtfsImage, mounted, mountRecords } from './ntfs-images.js';

// The NTFS reader on images built here: names with spaces, accents and CJK, empty file and
// directory, nesting, resident and non-resident data, mtimes ($STANDARD_INFORMATION, kept by
// `cp --preserve=timestamps`), symlinks and reparse points, a GPT partition through losetup,
// a volume that is not NTFS, and the image's bytes unchanged after a full read.

const SKIP = mountTestsUnavailableReason();
const HAS_PYTHON = SKIP === null && existsSync('/usr/bin/python3');
const files: Record<string, Buffer> = {
  'My Documents/report final.txt': Buffer.from('spaces in names'),
  'café/naïve résumé.txt': Buffer.from('accents'),
  '日本語/ファイル.txt': Buffer.from('CJK'),
  'a/b/c/d/e/deep.bin': randomBytes(100_000),
  'big.bin': randomBytes(3 * (1 << 20) + 777),
  'empty.txt': Buffer.alloc(0),
  'tiny.txt': Buffer.from('resident data'),
  SIGNATURE: Buffer.from('signature'),
};
const MTIME = new Date('2019-06-30T12:34:56Z');

let work: string;
let image: string;
let imageSha: string;

/** A relative Windows symlink reparse point to `target.txt`, written through ntfs-3g's xattr. */
function addReparsePoint(path: string): void {
  const script = `import os,struct
t='tiny.txt'.encode('utf-16-le')
body=struct.pack('<HHHHI',0,len(t),len(t),len(t),1)+t+t
os.setxattr(${JSON.stringify(path)},'system.ntfs_reparse_data',struct.pack('<IHH',0xA000000C,len(body),0)+body)`;
  execFileSync('/usr/bin/python3', ['-c', script]);
}

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-ntfs-'));
  const src = join(work, 'src');
  await mkdir(join(src, 'empty dir'), { recursive: true });
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(join(src, path, '..'), { recursive: true });
    await writeFile(join(src, path), bytes);
    await utimes(join(src, path), MTIME, MTIME);
  }
  image = join(work, 'ntfs.img');
  await makeNtfsImage(image, 64, {
    label: 'Longshore Test',
    fill: async (mnt) => {
      await sh('cp', ['-r', '--preserve=timestamps', `${src}/.`, `${mnt}/`]);
      await symlink('tiny.txt', join(mnt, 'link'));
      if (HAS_PYTHON) {
        await writeFile(join(mnt, 'reparse'), '');
        addReparsePoint(join(mnt, 'reparse'));
      }
    },
  });
  imageSha = await sha256OfFile(image);
}, 60_000);

afterAll(async () => {
  if (!work) return;
  for (const record of await mountRecords(join(work, 'station'))) {
    if (await mounted(record.mountPoint)) await sh('umount', ['-l', record.mountPoint]);
    if (record.loopDevice) await sh('losetup', ['-d', record.loopDevice]).catch(() => {});
  }
  await rm(work, { recursive: true, force: true });
});

const open = (devicePath: string, offset = 0, size = 64 << 20, label?: string | null) =>
  openNtfsVolume({ devicePath, offset, size }, { workDir: join(work, 'station'), label });

describe.skipIf(SKIP)(`NTFS volume through ntfs-3g${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('walks names with spaces, accents and CJK, empty entries and nesting, in name order', async () => {
    const reader = await open(image);
    const { entries, reads } = await readEverything(reader);
    await reader.close();
    const paths = entries.map((e) => `${e.type} ${e.path}`);
    expect(paths).toEqual([
      'directory My Documents',
      'file My Documents/report final.txt',
      'file SIGNATURE',
      'directory a',
      'directory a/b',
      'directory a/b/c',
      'directory a/b/c/d',
      'directory a/b/c/d/e',
      'file a/b/c/d/e/deep.bin',
      'file big.bin',
      'directory café',
      'file café/naïve résumé.txt',
      'directory empty dir',
      'file empty.txt',
      'symlink link',
      ...(HAS_PYTHON ? ['symlink reparse'] : []),
      'file tiny.txt',
      'directory 日本語',
      'file 日本語/ファイル.txt',
    ]);
    for (const [path, bytes] of Object.entries(files)) {
      const entry = entries.find((e) => e.path === path)!;
      expect(entry, path).toMatchObject({ size: bytes.length, mtime: MTIME });
      expect(entry.error).toBeUndefined();
      expect(reads.get(path), path).toEqual({ sha256: sha256Of(bytes), bytes: bytes.length });
    }
    expect(await sha256OfFile(image)).toBe(imageSha);
  });

  it('reads the label, finds SIGNATURE ignoring case, and knows its mount is NTFS', async () => {
    const reader = await open(image);
    expect(reader).toMatchObject({ fileSystem: 'NTFS', label: 'Longshore Test' });
    expect((await reader.findRootFile('signature', { caseInsensitive: true }))?.path).toBe('SIGNATURE');
    const [record] = await mountRecords(join(work, 'station'));
    expect(record).toMatchObject({ pid: process.pid, loopDevice: null, devicePath: image, offset: 0 });
    expect(await mountedFileSystemOf(record!.mountPoint)).toMatchObject({
      mountPoint: record!.mountPoint,
      fsType: 'fuse',
      source: image,
      fileSystem: 'NTFS',
    });
    await reader.close();
    await reader.close();
    expect(await mounted(record!.mountPoint)).toBe(false);
    expect(await mountRecords(join(work, 'station'))).toEqual([]);
    expect(await readdir(mountsDir(join(work, 'station')))).toEqual([]);
  });

  it('reads an NTFS partition at 1 MiB of a GPT disk through a read-only loop device', async () => {
    const disk = join(work, 'gpt.img');
    const { offset, size } = await makeGptDisk(disk, 70, image, 64);
    const diskSha = await sha256OfFile(disk);
    const reader = await open(disk, offset, size, 'given label');
    const [record] = await mountRecords(join(work, 'station'));
    expect(record?.loopDevice).toMatch(/^\/dev\/loop\d+$/);
    expect(await loopsOf(disk)).toEqual([record!.loopDevice]);
    expect(await mountedFileSystemOf(record!.mountPoint)).toMatchObject({
      fsType: 'fuseblk',
      fileSystem: 'NTFS',
    });
    expect(reader.label).toBe('given label');
    const { reads } = await readEverything(reader);
    expect(reads.get('big.bin')).toEqual({
      sha256: sha256Of(files['big.bin']!),
      bytes: files['big.bin']!.length,
    });
    expect(reads.size).toBe(Object.keys(files).length);
    await reader.close();
    expect(await loopsOf(disk)).toEqual([]);
    expect(await sha256OfFile(disk)).toBe(diskSha);
  });

  it('refuses a volume that is not NTFS with DeviceReadError mount, and leaves nothing behind', async () => {
    const other = join(work, 'ext2.img');
    await sh('mke2fs', ['-q', '-t', 'ext2', '-F', other, '8M']);
    const err = await open(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceReadError);
    expect(err).toMatchObject({ code: 'ENOTNTFS', operation: 'mount', scope: 'device', path: other });
    expect((err as Error).message).toMatch(/NTFS signature is missing/);
    const partition = await open(other, 1 << 20, 4 << 20).catch((e: unknown) => e);
    expect(partition).toMatchObject({ code: 'ENOTNTFS', operation: 'mount', offset: 1 << 20 });
    expect(await loopsOf(other)).toEqual([]);
    expect(await readdir(mountsDir(join(work, 'station')))).toEqual([]);
  });
});
