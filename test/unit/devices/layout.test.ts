import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBlockSource } from '../../../src/devices/block-source.js';
import { readDeviceLayout, type DeviceLayout } from '../../../src/devices/layout.js';

const dir = mkdtempSync(join(tmpdir(), 'longshore-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, {
    input,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
  });

function image(name: string, mib: number): string {
  const path = join(dir, name);
  run('truncate', ['-s', `${mib}M`, path]);
  return path;
}

async function layoutOf(path: string): Promise<DeviceLayout> {
  const source = await openBlockSource(path);
  try {
    return await readDeviceLayout(source);
  } finally {
    await source.close();
  }
}

/** Writes file system `src` into `disk` at byte `offset`. */
function place(src: string, disk: string, offset: number): void {
  run('dd', [
    `if=${src}`,
    `of=${disk}`,
    'bs=512',
    `seek=${offset / 512}`,
    'conv=notrunc,sparse',
    'status=none',
  ]);
}

describe('readDeviceLayout on unpartitioned volumes', () => {
  const cases: [string, (p: string) => void, string, number][] = [
    ['fat32', (p) => run('mkfs.vfat', ['-F', '32', '-s', '1', '-n', 'CUSTOMER', p]), 'FAT32', 40],
    ['fat16', (p) => run('mkfs.vfat', ['-F', '16', p]), 'FAT16', 40],
    ['fat12', (p) => run('mkfs.vfat', ['-F', '12', p]), 'FAT12', 4],
    ['ext2', (p) => run('mke2fs', ['-q', '-F', '-t', 'ext2', '-L', 'data', p]), 'ext2', 16],
    ['ext3', (p) => run('mke2fs', ['-q', '-F', '-t', 'ext3', p]), 'ext3', 16],
    ['ext4', (p) => run('mke2fs', ['-q', '-F', '-t', 'ext4', p]), 'ext4', 16],
    ['ntfs', (p) => run('mkntfs', ['-q', '-F', '-f', '-L', 'disk', p]), 'NTFS', 16],
    ['exfat', (p) => run('mkfs.exfat', [p]), 'exFAT', 16],
    ['xfs', (p) => run('mkfs.xfs', ['-q', '-f', p]), 'XFS', 300],
  ];
  it.each(cases)(
    'detects %s at offset 0 and takes no partition table for it',
    async (name, mkfs, kind, mib) => {
      const path = image(`${name}.img`, mib);
      mkfs(path);
      const layout = await layoutOf(path);
      expect(layout.scheme).toBe('none');
      expect(layout.volumes).toHaveLength(1);
      expect(layout.volumes[0]).toMatchObject({ index: null, offset: 0, truncated: false });
      expect(layout.volumes[0]?.detection.kind).toBe(kind);
    },
  );

  it('reads the FAT label and the ext4 features that make it ext4', async () => {
    expect((await layoutOf(join(dir, 'fat32.img'))).volumes[0]?.detection.label).toBe('CUSTOMER');
    expect((await layoutOf(join(dir, 'ext2.img'))).volumes[0]?.detection.label).toBe('data');
    const ext4 = (await layoutOf(join(dir, 'ext4.img'))).volumes[0]?.detection;
    expect(ext4?.features).toEqual(expect.arrayContaining(['extent', '64bit', 'flex_bg']));
  });

  it('flags ext3 that needs journal recovery', async () => {
    const path = image('dirty.img', 16);
    run('mke2fs', ['-q', '-F', '-t', 'ext3', path]);
    run('debugfs', ['-w', '-R', 'feature needs_recovery', path]);
    const volume = (await layoutOf(path)).volumes[0];
    expect(volume?.detection).toMatchObject({ kind: 'ext3', needsRecovery: true });
  });

  it('marks a volume whose file system is bigger than the image as truncated', async () => {
    const path = image('cut.img', 40);
    run('mkfs.vfat', ['-F', '32', '-s', '1', path]);
    run('truncate', ['-s', `${20 * MiB}`, path]);
    expect((await layoutOf(path)).volumes[0]).toMatchObject({ truncated: true });
  });

  it('finds nothing on zeros or random bytes', async () => {
    const zero = image('zero.img', 4);
    const random = join(dir, 'random.img');
    const bytes = Buffer.alloc(4 * MiB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    writeFileSync(random, bytes);
    for (const path of [zero, random]) expect(await layoutOf(path)).toEqual({ scheme: 'none', volumes: [] });
  });
});

describe('readDeviceLayout on partitioned disks', () => {
  it('reads an MBR with a FAT32 partition at 1 MiB', async () => {
    const fat = image('p-fat.img', 40);
    run('mkfs.vfat', ['-F', '32', '-s', '1', fat]);
    const disk = image('mbr.img', 48);
    run('sfdisk', ['-q', disk], 'label: dos\nstart=2048, size=81920, type=c\n');
    place(fat, disk, MiB);
    const layout = await layoutOf(disk);
    expect(layout.scheme).toBe('mbr');
    expect(layout.volumes).toEqual([
      expect.objectContaining({ index: 1, offset: MiB, size: 40 * MiB, truncated: false }),
    ]);
    expect(layout.volumes[0]?.detection.kind).toBe('FAT32');
  });

  it('reads MBR logical partitions through the EBR chain', async () => {
    const ext = image('p-ext.img', 8);
    run('mke2fs', ['-q', '-F', '-t', 'ext2', ext]);
    const disk = image('logical.img', 40);
    run(
      'sfdisk',
      ['-q', disk],
      'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=65536, type=5\nstart=14336, size=16384, type=83\n',
    );
    place(ext, disk, 14336 * 512);
    const layout = await layoutOf(disk);
    expect(layout.volumes.map((v) => [v.index, v.offset, v.detection.kind])).toEqual([
      [1, 2048 * 512, 'unknown'],
      [5, 14336 * 512, 'ext2'],
    ]);
  });

  it('reads a GPT behind its protective MBR, in partition order', async () => {
    const ntfs = image('p-ntfs.img', 16);
    run('mkntfs', ['-q', '-F', '-f', ntfs]);
    const ext = image('p-ext3.img', 16);
    run('mke2fs', ['-q', '-F', '-t', 'ext3', ext]);
    const disk = image('gpt.img', 40);
    const basic = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';
    run(
      'sfdisk',
      ['-q', disk],
      `label: gpt\nstart=2048, size=32768, type=${basic}\nstart=34816, size=32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n`,
    );
    place(ntfs, disk, 2048 * 512);
    place(ext, disk, 34816 * 512);
    const layout = await layoutOf(disk);
    expect(layout.scheme).toBe('gpt');
    expect(layout.volumes.map((v) => [v.index, v.offset, v.size, v.detection.kind])).toEqual([
      [1, 2048 * 512, 16 * MiB, 'NTFS'],
      [2, 34816 * 512, 16 * MiB, 'ext3'],
    ]);
    expect(layout.volumes[0]?.detection.declaredSize).toBeLessThanOrEqual(16 * MiB);
  });
});
