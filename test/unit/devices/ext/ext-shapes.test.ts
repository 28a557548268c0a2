import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../ext2fs/ext-images.js';
import { debugfs, expectSameAsOracle, inodeLocation, makeImage, patternBytes } from './ext-oracle.js';

// Layouts the standard tree does not reach, each read by both readers and compared.

const scratch = scratchDir('ext-shapes-');
afterAll(() => scratch.remove());
const MTIME = new Date(Date.UTC(2020, 4, 6, 7, 8, 9));

function fresh(name: string): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function put(root: string, path: string, bytes: Buffer): void {
  const target = join(root, path);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, bytes);
  utimesSync(target, MTIME, MTIME);
}

/** A sparse file of `size` bytes holding `pieces` (offset, bytes). */
function putSparse(root: string, path: string, size: number, pieces: [number, Buffer][]): void {
  const target = join(root, path);
  execFileSync('truncate', ['-s', String(size), target]);
  const fd = openSync(target, 'r+');
  for (const [at, bytes] of pieces) writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
  utimesSync(target, MTIME, MTIME);
}

describe('layouts', () => {
  it('a 1 KiB-block ext2 file reaching into the triple indirect blocks', async () => {
    const src = fresh('triple-src');
    // 1 KiB blocks: direct 12 KiB, single 256 KiB, double 64 MiB; triple indirect starts at ~64.3 MiB.
    const pieces: [number, Buffer][] = [
      [0, patternBytes(40_000, 1)],
      [300_000, patternBytes(5000, 2)],
      [70 * 2 ** 20 + 123, patternBytes(300_000, 3)],
      [150 * 2 ** 20 - 10, patternBytes(10, 4)],
    ];
    putSparse(src, 'sparse.bin', 150 * 2 ** 20, pieces);
    put(src, 'dense.bin', patternBytes(2 * 2 ** 20 + 7, 5)); // through the double indirect block
    const image = join(scratch.dir, 'triple.img');
    makeImage({ kind: 'ext2', blockSize: 1024, size: '32M' }, src, image);
    expect(debugfs(image, 'stat /sparse.bin')).toMatch(/TIND/);
    const view = await expectSameAsOracle(image, 'ext2');
    expect(view.entries.map((e) => [e.path, e.size])).toEqual([
      ['dense.bin', 2 * 2 ** 20 + 7],
      ['lost+found', 0],
      ['sparse.bin', 150 * 2 ** 20],
    ]);
  });

  it('an ext4 extent tree two levels deep, and uninitialised extents reading as zeros', async () => {
    const src = fresh('deep-src');
    const pieces: [number, Buffer][] = [];
    for (let i = 0; i < 400; i++) pieces.push([i * 8192, patternBytes(1024, 100 + i)]);
    putSparse(src, 'fragmented.bin', 400 * 8192, pieces);
    put(src, 'prealloc.bin', patternBytes(64 * 1024, 9));
    const image = join(scratch.dir, 'deep.img');
    makeImage({ kind: 'ext4', blockSize: 1024, features: '^metadata_csum', size: '32M' }, src, image);
    expect(debugfs(image, 'ex /fragmented.bin')).toMatch(/^\s*2\/\s*2/m);
    // Mark prealloc.bin's first extent uninitialised (ee_len |= 0x8000): it must read as zeros.
    const lengthAt = inodeLocation(image, 'prealloc.bin', 1024) + 0x28 + 12 + 4;
    const fd = openSync(image, 'r+');
    const field = Buffer.alloc(2);
    readSync(fd, field, 0, 2, lengthAt);
    field.writeUInt16LE(field.readUInt16LE(0) | 0x8000);
    writeSync(fd, field, 0, 2, lengthAt);
    closeSync(fd);
    const view = await expectSameAsOracle(image, 'ext4');
    const zeros = execFileSync('bash', ['-c', 'head -c 65536 /dev/zero | sha256sum']).toString().slice(0, 64);
    expect(view.hashes.get('prealloc.bin')).toBe(zeros);
  });

  it('a directory of 5,000 entries with an htree index', async () => {
    const src = fresh('htree-src');
    mkdirSync(join(src, 'big'));
    for (let i = 0; i < 5000; i++)
      put(src, `big/entry number ${i} with a longer name.txt`, Buffer.from(`${i}\n`));
    const image = join(scratch.dir, 'htree.img');
    makeImage({ kind: 'ext4', size: '64M' }, src, image);
    const fsck = spawnSync('e2fsck', ['-fyD', image], { stdio: 'pipe' }); // -D builds the index
    expect(fsck.status).toBeLessThanOrEqual(1);
    expect(debugfs(image, 'htree_dump /big')).toMatch(/Root node dump/);
    const view = await expectSameAsOracle(image, 'ext4');
    expect(view.entries.filter((e) => e.path.startsWith('big/'))).toHaveLength(5000);
  }, 60_000);

  it('meta_bg descriptors beyond the first meta group, and inodes spread over 40+ groups', async () => {
    const src = fresh('metabg-src');
    for (let i = 0; i < 700; i++) put(src, `f${i}`, Buffer.from(`${i}\n`));
    const image = join(scratch.dir, 'metabg.img');
    makeImage(
      {
        kind: 'ext4',
        blockSize: 1024,
        inodeSize: 128,
        inodeCount: 1024, // 16 per group: the files' inodes reach group 40 and more
        features: '^64bit,meta_bg,^resize_inode,^flex_bg',
        extended: 'lazy_itable_init=1',
        size: '512M',
      },
      src,
      image,
    );
    expect(debugfs(image, 'stats')).toMatch(/meta_bg/);
    const lastInode = Number(/^Inode: (\d+)/.exec(debugfs(image, 'stat /f699'))?.[1]);
    expect(Math.floor((lastInode - 1) / 16)).toBeGreaterThan(32); // its group is in the second meta group
    const view = await expectSameAsOracle(image, 'ext4');
    expect(view.entries.filter((e) => e.type === 'file')).toHaveLength(700);
  });
});
