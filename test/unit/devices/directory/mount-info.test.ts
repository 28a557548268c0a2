import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fileSystemOfMount,
  mountContaining,
  mountedFileSystemOf,
  parseMountInfo,
  unescapeMountField,
} from '../../../../src/devices/directory/index.js';

// mountinfo parsing and the kind of each mount. The ntfs-3g case (a plain `fuse` mount whose
// source holds an NTFS boot sector) is covered on a real mount in ../ntfs/ntfs-volume.test.ts.

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '40 27 7:0 / /media/my\\040disk rw,relatime shared:5 - vfat /dev/loop0 rw,fmask=0022',
  '41 40 7:1 / /media/my\\040disk/inner rw - ntfs3 /dev/loop1 rw',
  '42 27 0:40 / /mnt/n ro,relatime - fuse /tmp/n.img ro,user_id=0',
  '43 27 0:41 / /mnt/x ro - fuseblk /dev/sdz1 ro',
  '44 27 0:42 / /mnt/caf\\303\\251 ro - fuse.ntfs-3g /dev/sdb1 ro',
  'garbage line',
].join('\n');

describe('parseMountInfo', () => {
  it('reads mount point, type and source, undoing octal escapes (also of UTF-8 bytes)', () => {
    const mounts = parseMountInfo(MOUNTINFO);
    expect(mounts).toHaveLength(6);
    expect(mounts[1]).toEqual({ mountPoint: '/media/my disk', fsType: 'vfat', source: '/dev/loop0' });
    expect(mounts[5]?.mountPoint).toBe('/mnt/café');
    expect(unescapeMountField('a\\011b\\012c\\134d')).toBe('a\tb\nc\\d');
  });

  it('picks the longest mount point that contains the path, not a mere string prefix', () => {
    const mounts = parseMountInfo(MOUNTINFO);
    expect(mountContaining(mounts, '/media/my disk/inner/x')?.fsType).toBe('ntfs3');
    expect(mountContaining(mounts, '/media/my disk/innerx')?.fsType).toBe('vfat');
    expect(mountContaining(mounts, '/media/my disk')?.fsType).toBe('vfat');
    expect(mountContaining(mounts, '/mnt/nn')?.mountPoint).toBe('/');
    expect(mountContaining([], '/x')).toBeNull();
  });
});

describe('fileSystemOfMount', () => {
  it('maps kernel types, and FAT or plain FUSE mounts by their source when it cannot be read', async () => {
    const kind = (fsType: string, source = '/nonexistent') =>
      fileSystemOfMount({ mountPoint: '/m', fsType, source });
    expect(await kind('ext2')).toBe('ext2');
    expect(await kind('ext3')).toBe('ext3');
    expect(await kind('ntfs3')).toBe('NTFS');
    expect(await kind('fuse.ntfs-3g')).toBe('NTFS');
    expect(await kind('xfs')).toBe('XFS');
    expect(await kind('exfat')).toBe('exFAT');
    expect(await kind('vfat')).toBe('FAT32');
    expect(await kind('msdos')).toBe('FAT32');
    expect(await kind('fuse')).toBe('unknown');
    expect(await kind('fuseblk', 'ntfs-3g')).toBe('unknown');
    expect(await kind('tmpfs', 'tmpfs')).toBe('unknown');
  });

  it('reads the source boot sector of a fuse mount and of a vfat mount', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'longshore-mountinfo-'));
    try {
      const ntfs = Buffer.alloc(64 * 1024);
      ntfs.write('NTFS    ', 3, 'latin1');
      await writeFile(join(dir, 'ntfs.img'), ntfs);
      expect(
        await fileSystemOfMount({ mountPoint: '/m', fsType: 'fuseblk', source: join(dir, 'ntfs.img') }),
      ).toBe('NTFS');
      const fat16 = Buffer.alloc(64 * 1024); // 16 MiB FAT16: 32,768 sectors, 4 per cluster
      fat16.set([0xeb, 0x3c, 0x90], 0);
      fat16.writeUInt16LE(512, 11);
      fat16[13] = 4;
      fat16.writeUInt16LE(4, 14);
      fat16[16] = 2;
      fat16.writeUInt16LE(512, 17);
      fat16.writeUInt16LE(32768, 19);
      fat16.writeUInt16LE(32, 22);
      fat16.set([0x55, 0xaa], 510);
      await writeFile(join(dir, 'fat16.img'), fat16);
      expect(
        await fileSystemOfMount({ mountPoint: '/m', fsType: 'vfat', source: join(dir, 'fat16.img') }),
      ).toBe('FAT16');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mountedFileSystemOf', () => {
  it('names the root mount for / and for a directory below it', async () => {
    const text = await readFile('/proc/self/mountinfo', 'latin1');
    const rootLine = text
      .split('\n')
      .filter((line) => line.split(' ')[4] === '/')
      .at(-1)!;
    const fsType = rootLine.split(' - ')[1]!.split(' ')[0];
    const root = await mountedFileSystemOf('/');
    expect(root).toMatchObject({ mountPoint: '/', fsType });
    if (fsType === 'ext4') expect(root.fileSystem).toBe('ext4');
    const below = await mountedFileSystemOf('/usr/bin/');
    expect(below).toMatchObject(mountContaining(parseMountInfo(text), '/usr/bin')!);
  });

  it('fails with a device-scope DeviceReadError for a path that does not exist', async () => {
    const err = await mountedFileSystemOf('/no/such/path').catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'DeviceReadError',
      code: 'ENOENT',
      operation: 'detect',
      scope: 'device',
    });
  });
});
