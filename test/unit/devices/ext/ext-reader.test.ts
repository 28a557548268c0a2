import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { journalNotReplayedWarning as oracleWarning } from '../../../../src/devices/ext2fs/index.js';
import { journalNotReplayedWarning, openExtVolume } from '../../../../src/devices/ext/index.js';
import { DeviceReadError, type DeviceEntry, type DeviceReader } from '../../../../src/devices/port.js';
import { drain, makeTree, scratchDir, sha256, walkAll, type SourceFile } from '../ext2fs/ext-images.js';
import { makeImage } from './ext-oracle.js';

// The DeviceReader contract, on an ext4 image of the standard tree.

const scratch = scratchDir('ext-reader-');
const image = join(scratch.dir, 'volume.img');
let files: SourceFile[];
let source: BlockSource;
let reader: DeviceReader;
let entries: DeviceEntry[];
const byPath = (path: string) => entries.find((e) => e.path === path) as DeviceEntry;

beforeAll(async () => {
  files = makeTree(join(scratch.dir, 'src'));
  makeImage({ kind: 'ext4', blockSize: 4096 }, join(scratch.dir, 'src'), image);
});
afterAll(() => scratch.remove());

async function openFresh(needsRecovery = false): Promise<void> {
  source = await openBlockSource(image);
  reader = await openExtVolume(source, { kind: 'ext4', needsRecovery });
  entries = await walkAll(reader);
}
afterEach(async () => {
  await reader?.close();
  await source?.close();
});

describe('volume facts', () => {
  it('gives the kind it was told, the label, and no warnings', async () => {
    await openFresh();
    expect(reader).toMatchObject({ fileSystem: 'ext4', label: 'TESTVOL', warnings: [] });
  });

  it('warns once, with the same sentence as the libext2fs reader, when the journal needed recovery', async () => {
    await openFresh(true);
    expect(reader.warnings).toEqual([journalNotReplayedWarning('ext4')]);
    for (const kind of ['ext2', 'ext3', 'ext4'] as const) {
      expect(journalNotReplayedWarning(kind)).toBe(oracleWarning(kind));
    }
  });
});

describe('finding and opening files', () => {
  it('finds SIGNATURE exactly, or ignoring case only when asked, and only files', async () => {
    await openFresh();
    expect(await reader.findRootFile('SIGNATURE', { caseInsensitive: false })).toMatchObject({
      path: 'SIGNATURE',
      type: 'file',
      size: 'job signature\n'.length,
    });
    expect(await reader.findRootFile('signature', { caseInsensitive: false })).toBeNull();
    expect(await reader.findRootFile('signature', { caseInsensitive: true })).toMatchObject({
      path: 'SIGNATURE',
    });
    expect(await reader.findRootFile('emptydir', { caseInsensitive: false })).toBeNull();
    expect(await reader.findRootFile('deep.txt', { caseInsensitive: true })).toBeNull();
    const found = await reader.findRootFile('hello.txt', { caseInsensitive: false });
    expect((await drain(reader.openFile(found!))).bytes.toString()).toBe('hello, world\n');
  });

  it('refuses to read what is not a file, and passes an entry error on', async () => {
    await openFresh();
    expect((await drain(reader.openFile(byPath('emptydir')))).error).toMatchObject({
      code: 'EINVAL',
      operation: 'open',
    });
    expect((await drain(reader.openFile(byPath('link')))).error).toMatchObject({
      code: 'EINVAL',
      operation: 'open',
    });
    const error = new DeviceReadError({ code: 'EIO', operation: 'stat', path: 'hello.txt' });
    const failed: DeviceEntry = { ...byPath('hello.txt'), error };
    expect((await drain(reader.openFile(failed))).error).toBe(failed.error);
  });

  it('opens entries it did not yield by their path (ENOENT when absent)', async () => {
    await openFresh();
    const path = 'café/crème brûlée.txt';
    const made: DeviceEntry = { path, type: 'file', size: 8, mtime: new Date(0) };
    expect((await drain(reader.openFile(made))).bytes.toString()).toBe('accents\n');
    const missing = await drain(reader.openFile({ ...made, path: 'café/nothing' }));
    expect(missing.error).toMatchObject({ code: 'ENOENT', operation: 'open', path: 'café/nothing' });
  });

  it('reads whole files without a stream: the same bytes, and the same errors as a stream', async () => {
    await openFresh();
    const wholes = await Promise.all(files.map((f) => reader.readWhole!(byPath(f.path))));
    wholes.forEach((pieces, i) =>
      expect(sha256(Buffer.concat(pieces)), files[i]?.path).toBe(sha256(files[i]!.bytes)),
    );
    await expect(reader.readWhole!(byPath('emptydir'))).rejects.toMatchObject({
      code: 'EINVAL',
      operation: 'open',
      path: 'emptydir',
    });
    const error = new DeviceReadError({ code: 'EIO', operation: 'stat', path: 'hello.txt' });
    await expect(reader.readWhole!({ ...byPath('hello.txt'), error })).rejects.toBe(error);
    const made: DeviceEntry = { path: 'café/nothing', type: 'file', size: 8, mtime: new Date(0) };
    await expect(reader.readWhole!(made)).rejects.toMatchObject({ code: 'ENOENT', operation: 'open' });
  });

  it('streams in chunks of at most 1 MiB and reads files concurrently', async () => {
    await openFresh();
    const big = reader.openFile(byPath('big.bin'));
    expect(big.readableHighWaterMark).toBe(1024 * 1024);
    const sizes: number[] = [];
    for await (const chunk of big) sizes.push((chunk as Buffer).length);
    expect(sizes).toEqual([1048576, 1048576, 1048576, 123]);
    const results = await Promise.all(files.map((f) => drain(reader.openFile(byPath(f.path)))));
    results.forEach((result, i) =>
      expect(sha256(result.bytes), files[i]?.path).toBe(sha256(files[i]!.bytes)),
    );
  });
});

describe('closing', () => {
  it('cancels open streams, then refuses walks and opens (EBADF), and leaves the source open', async () => {
    await openFresh();
    const stream = reader.openFile(byPath('big.bin'));
    const result = drain(stream);
    const walk = reader.walk()[Symbol.asyncIterator]();
    expect((await walk.next()).done).toBe(false);
    await reader.close();
    await reader.close();
    await expect(walk.next()).rejects.toMatchObject({ code: 'EBADF', scope: 'device' });
    expect((await result).error).toMatchObject({ code: 'ECANCELED', scope: 'device' });
    expect((await drain(reader.openFile(byPath('hello.txt')))).error).toMatchObject({
      code: 'EBADF',
      operation: 'open',
    });
    await expect(walkAll(reader)).rejects.toMatchObject({ code: 'EBADF', scope: 'device' });
    await expect(reader.findRootFile('SIGNATURE', { caseInsensitive: false })).rejects.toMatchObject({
      code: 'EBADF',
    });
    const superblock = Buffer.alloc(2);
    await source.read(superblock, 0, 2, 1024 + 0x38);
    expect(superblock.readUInt16LE(0)).toBe(0xef53);
  });
});
