import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext/index.js';
import { faultySource, type BadRange } from '../../../../src/devices/faulty-source.js';
import { DeviceReadError, type DeviceReader } from '../../../../src/devices/port.js';
import { fileSha256, makeTree, scratchDir, sha256, walkAll, type SourceFile } from '../ext2fs/ext-images.js';
import { hashFile, inodeLocation, makeImage, physicalBlock, viewOf, type ReaderView } from './ext-oracle.js';

const BLOCK = 4096;
const scratch = scratchDir('ext-faults-');
const image = join(scratch.dir, 'ext3.img');
let files: SourceFile[];
let clean: ReaderView;
const opened: { reader?: DeviceReader; source: BlockSource }[] = [];

beforeAll(async () => {
  files = makeTree(join(scratch.dir, 'src'));
  makeImage({ kind: 'ext3', blockSize: BLOCK }, join(scratch.dir, 'src'), image);
  clean = await viewOf(await open(image));
});
afterEach(async () => {
  for (const { reader, source } of opened.splice(0)) {
    await reader?.close();
    await source.close();
  }
});
afterAll(() => scratch.remove());

async function open(path: string, bad: BadRange[] = [], code = 'EIO'): Promise<DeviceReader> {
  const source = faultySource(await openBlockSource(path), bad, code);
  const slot: (typeof opened)[number] = { source };
  opened.push(slot);
  slot.reader = await openExtVolume(source, { kind: 'ext3', needsRecovery: false });
  return slot.reader;
}

const blockRange = (block: number): BadRange => ({ start: block * BLOCK, end: (block + 1) * BLOCK });
const withoutErrors = (view: ReaderView) => view.entries.filter((e) => e.error === null).map((e) => e.path);

/** Writes `bytes` at `position` of a copy of the image; returns the copy. */
function patched(name: string, edits: [number, Buffer][]): string {
  const copy = join(scratch.dir, name);
  copyFileSync(image, copy);
  const fd = openSync(copy, 'r+');
  for (const [at, bytes] of edits) writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
  return copy;
}

const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);

describe('bad sectors', () => {
  it('a bad block inside a file fails only that file, at the exact byte', async () => {
    const reader = await open(image, [blockRange(physicalBlock(image, 'big.bin', 500))]);
    const view = await viewOf(reader);
    expect(view.entries).toEqual(clean.entries);
    for (const [path, hash] of clean.hashes) {
      expect(view.hashes.get(path), path).toBe(path === 'big.bin' ? `error EIO @${500 * BLOCK}` : hash);
    }
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    const stream = reader.openFile(big!);
    const error = await new Promise((resolve) => stream.on('error', resolve).resume());
    expect(error).toBeInstanceOf(DeviceReadError);
    expect(error).toMatchObject({
      code: 'EIO',
      operation: 'read',
      path: 'big.bin',
      scope: 'file',
      offset: 500 * BLOCK,
    });
  });

  it('read whole, a file with a bad block fails as its stream does, at the exact byte', async () => {
    const reader = await open(image, [blockRange(physicalBlock(image, 'big.bin', 500))]);
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    await expect(reader.readWhole!(big!)).rejects.toMatchObject({
      code: 'EIO',
      operation: 'read',
      path: 'big.bin',
      scope: 'file',
      offset: 500 * BLOCK,
    });
    const hello = await reader.findRootFile('hello.txt', { caseInsensitive: false });
    expect(Buffer.concat(await reader.readWhole!(hello!)).toString()).toBe('hello, world\n');
  });

  it('a bad indirect block fails only its file, where it maps (read-ahead or not)', async () => {
    const indirect = physicalBlock(image, 'big.bin', 12) - 1; // mke2fs puts it right before block 12
    const reader = await open(image, [blockRange(indirect)]);
    const view = await viewOf(reader);
    expect(view.hashes.get('big.bin')).toBe(`error EIO @${12 * BLOCK}`);
    for (const [path, hash] of clean.hashes)
      if (path !== 'big.bin') expect(view.hashes.get(path), path).toBe(hash);
  });

  it('a bad directory block fails only that directory (readdir), and the walk goes on', async () => {
    const view = await viewOf(await open(image, [blockRange(physicalBlock(image, 'victim', 0))]));
    const failed = view.entries.filter((e) => e.error);
    expect(failed).toEqual([
      expect.objectContaining({ path: 'victim', type: 'directory', error: 'readdir EIO' }),
    ]);
    expect(withoutErrors(view)).toEqual(withoutErrors(clean).filter((p) => !p.startsWith('victim')));
    expect(view.hashes.get('zzz-after.txt')).toBe(clean.hashes.get('zzz-after.txt'));
  });

  it('a bad inode-table block fails exactly the entries whose inodes it holds (stat)', async () => {
    const tableBlock = Math.floor(inodeLocation(image, 'victim/one.txt', BLOCK) / BLOCK);
    const first = Math.floor(tableBlock - Math.floor(inodeLocation(image, '', BLOCK) / BLOCK)) * 16 + 1; // root = 2
    const inodes = Array.from({ length: 16 }, (_, i) => String(first + i));
    const ncheck = execFileSync('debugfs', ['-R', `ncheck -c ${inodes.join(' ')}`, image], { stdio: 'pipe' });
    const held = new TextDecoder()
      .decode(ncheck)
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[1]?.replace(/^\/+/, ''))
      .filter((path): path is string => !!path);
    expect(held).toContain('victim/one.txt');
    const below = (path: string, dir: string) => path.startsWith(`${dir}/`);
    const reached = held.filter((path) => !held.some((dir) => below(path, dir)));
    const view = await viewOf(await open(image, [blockRange(tableBlock)]));
    const failed = view.entries.filter((e) => e.error);
    expect(failed.map((e) => e.path).sort()).toEqual([...reached].sort());
    for (const entry of failed) expect(entry).toMatchObject({ type: 'file', error: 'stat EIO' });
    const lost = (path: string) => held.some((h) => path === h || below(path, h));
    expect(withoutErrors(view)).toEqual(withoutErrors(clean).filter((path) => !lost(path)));
  });

  it('a device that is gone fails the stream with scope device, and the walk throws', async () => {
    const reader = await open(image, [blockRange(physicalBlock(image, 'big.bin', 300))], 'ENODEV');
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    const stream = reader.openFile(big!);
    const error = await new Promise((resolve) => stream.on('error', resolve).resume());
    expect(error).toMatchObject({ code: 'ENODEV', operation: 'read', path: 'big.bin', scope: 'device' });
    await expect(walkAll(reader)).rejects.toMatchObject({ code: 'ENODEV', scope: 'device' });
  });

  it('a device gone under a directory ends the walk with a device-scope error', async () => {
    const reader = await open(image, [blockRange(physicalBlock(image, 'victim', 0))], 'ENODEV');
    await expect(walkAll(reader)).rejects.toMatchObject({
      code: 'ENODEV',
      operation: 'readdir',
      scope: 'device',
    });
  });
});

describe('corrupt metadata fails only its entry (EUCLEAN)', () => {
  it('a block pointer outside the volume', async () => {
    const at = inodeLocation(image, 'hello.txt', BLOCK) + 0x28; // i_block[0]
    const view = await viewOf(await open(patched('outside.img', [[at, u32(0xfffff000)]])));
    expect(view.entries).toEqual(clean.entries);
    expect(view.hashes.get('hello.txt')).toBe('error EUCLEAN @0');
    for (const [path, hash] of clean.hashes)
      if (path !== 'hello.txt') expect(view.hashes.get(path), path).toBe(hash);
  });

  it('an indirect block that points to itself (a loop)', async () => {
    const indirect = physicalBlock(image, 'big.bin', 12) - 1; // mke2fs puts it right before block 12
    const single = Buffer.alloc(4);
    const fd = openSync(image, 'r');
    readSync(fd, single, 0, 4, inodeLocation(image, 'big.bin', BLOCK) + 0x28 + 12 * 4);
    closeSync(fd);
    expect(single.readUInt32LE(0)).toBe(indirect);
    const view = await viewOf(await open(patched('loop.img', [[indirect * BLOCK + 4 * 100, u32(indirect)]])));
    expect(view.hashes.get('big.bin')).toBe(`error EUCLEAN @${(12 + 100) * BLOCK}`);
    expect(view.hashes.get('hello.txt')).toBe(clean.hashes.get('hello.txt'));
  });

  it('an absurd size', async () => {
    const at = inodeLocation(image, 'hello.txt', BLOCK) + 0x6c; // i_size_high
    const view = await viewOf(await open(patched('size.img', [[at, u32(0x00100000)]])));
    expect(view.entries.find((e) => e.path === 'hello.txt')).toMatchObject({
      type: 'file',
      error: 'stat EUCLEAN',
    });
    expect(view.entries.filter((e) => e.error)).toHaveLength(1);
  });

  it('a directory entry that leads back to the root (a cycle)', async () => {
    const block = physicalBlock(image, 'victim', 0);
    const bytes = Buffer.alloc(BLOCK);
    const fd = openSync(image, 'r');
    readSync(fd, bytes, 0, BLOCK, block * BLOCK);
    closeSync(fd);
    const name = bytes.indexOf('one.txt');
    const edits: [number, Buffer][] = [
      [block * BLOCK + name - 8, u32(2)], // inode: the root
      [block * BLOCK + name - 1, Buffer.from([2])], // file type: directory
    ];
    const view = await viewOf(await open(patched('cycle.img', edits)));
    expect(view.entries.filter((e) => e.error)).toEqual([
      expect.objectContaining({ path: 'victim/one.txt', type: 'directory', error: 'readdir EUCLEAN' }),
    ]);
    expect(view.hashes.get('victim/two.txt')).toBe(clean.hashes.get('victim/two.txt'));
  });

  it('a garbage directory block', async () => {
    const at = physicalBlock(image, 'victim', 0) * BLOCK;
    const view = await viewOf(await open(patched('garbage.img', [[at, Buffer.alloc(BLOCK, 0xff)]])));
    expect(view.entries.filter((e) => e.error).map((e) => [e.path, e.error])).toEqual([
      ['victim', 'readdir EUCLEAN'],
    ]);
  });
});

describe('corrupt extent trees fail only their file (EUCLEAN)', () => {
  const ext4 = join(scratch.dir, 'ext4.img');
  let leaf = 0;
  let cleanExt4: ReaderView;

  beforeAll(async () => {
    const src = join(scratch.dir, 'src');
    const fd = openSync(join(src, 'fragmented.bin'), 'w');
    for (let i = 0; i < 10; i++) writeSync(fd, Buffer.alloc(BLOCK, i + 1), 0, BLOCK, i * 4 * BLOCK);
    closeSync(fd);
    makeImage({ kind: 'ext4', blockSize: BLOCK }, src, ext4);
    const root = Buffer.alloc(24);
    const inode = openSync(ext4, 'r');
    readSync(inode, root, 0, 24, inodeLocation(ext4, 'fragmented.bin', BLOCK) + 0x28);
    closeSync(inode);
    expect(root.readUInt16LE(6)).toBe(1); // the inode holds an index: one leaf below it
    leaf = root.readUInt32LE(16);
    cleanExt4 = await viewOf(await open(ext4));
  });

  function check(view: ReaderView, expected: string): void {
    expect(view.entries).toEqual(cleanExt4.entries);
    expect(view.hashes.get('fragmented.bin')).toBe(expected);
    for (const [path, hash] of cleanExt4.hashes) {
      if (path !== 'fragmented.bin') expect(view.hashes.get(path), path).toBe(hash);
    }
  }

  it('a leaf that claims to be an index (what a loop looks like)', async () => {
    const copy = join(scratch.dir, 'depth.img');
    copyFileSync(ext4, copy);
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.from([1, 0]), 0, 2, leaf * BLOCK + 6);
    closeSync(fd);
    check(await viewOf(await open(copy)), 'error EUCLEAN @0');
  });

  it('an extent outside the volume', async () => {
    const copy = join(scratch.dir, 'extent.img');
    copyFileSync(ext4, copy);
    const fd = openSync(copy, 'r+');
    writeSync(fd, u32(0xfffff000), 0, 4, leaf * BLOCK + 12 + 12 * 3 + 8); // the 4th extent's start
    closeSync(fd);
    check(await viewOf(await open(copy)), `error EUCLEAN @${3 * 4 * BLOCK}`);
  });
});

it('reads every file right and leaves the image unchanged', async () => {
  const before = fileSha256(image);
  const reader = await open(image);
  for (const file of files) {
    const entry = (await walkAll(reader)).find((e) => e.path === file.path);
    expect(await hashFile(reader, entry!), file.path).toBe(sha256(file.bytes));
  }
  expect(fileSha256(image)).toBe(before);
});
