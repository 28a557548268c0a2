import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext2fs/index.js';
import { ReadOnlyCachedDisk } from '../../../../src/devices/ext2fs/cached-disk.js';
import { openExtVolumeOnDisk } from '../../../../src/devices/ext2fs/ext-volume-reader.js';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import {
  buildImage,
  drain,
  fileSha256,
  INVALID_NAME_CONTENT,
  makeSpecialFiles,
  makeTree,
  scratchDir,
  sha256,
  walkAll,
  type SourceFile,
} from './ext-images.js';

const VARIANTS = [
  { kind: 'ext2', features: '' },
  { kind: 'ext3', features: '' },
  { kind: 'ext4', features: '' },
  // Small files and directories inside the inode: read through a different path of libext2fs.
  { kind: 'ext4', features: 'inline_data' },
] as const;

describe.each(VARIANTS)('openExtVolume on $kind $features', ({ kind, features }) => {
  const scratch = scratchDir(`ext-reader-${kind}-`);
  const image = join(scratch.dir, 'volume.img');
  let files: SourceFile[];
  let imageHashBefore: string;
  let source: BlockSource;
  let disk: ReadOnlyCachedDisk;
  let reader: DeviceReader;
  let entries: DeviceEntry[];
  let specials: [string, string][];

  beforeAll(async () => {
    files = makeTree(join(scratch.dir, 'src'));
    specials = makeSpecialFiles(join(scratch.dir, 'src'));
    buildImage(kind, join(scratch.dir, 'src'), image, { features });
    imageHashBefore = fileSha256(image);
    source = await openBlockSource(image);
    disk = new ReadOnlyCachedDisk(source);
    reader = await openExtVolumeOnDisk(disk, source.name, { kind, needsRecovery: false });
    entries = await walkAll(reader);
  });

  afterAll(async () => {
    await reader?.close();
    await source?.close();
    scratch.remove();
  });

  const byPath = (path: string) => entries.find((e) => e.path === path);

  it('names the file system and label, with no warnings', () => {
    expect(reader.fileSystem).toBe(kind);
    expect(reader.label).toBe('TESTVOL');
    expect(reader.warnings).toEqual([]);
  });

  it('yields every file with its size and mtime, and reads its exact bytes', async () => {
    for (const file of files) {
      const entry = byPath(file.path);
      expect(entry, file.path).toMatchObject({ type: 'file', size: file.bytes.length });
      expect(entry?.mtime.toISOString()).toBe(file.mtime.toISOString());
      const { bytes, error } = await drain(reader.openFile(entry!));
      expect(error).toBeNull();
      expect(sha256(bytes)).toBe(sha256(file.bytes));
    }
  });

  it('walks depth first, a directory before its contents, names in string order', () => {
    const paths = entries.map((e) => e.path);
    expect(paths.every((p) => !p.startsWith('/'))).toBe(true);
    expect(paths.indexOf('a')).toBeLessThan(paths.indexOf('a/b'));
    expect(paths.indexOf('a/b/c/d')).toBeLessThan(paths.indexOf('a/b/c/d/deep.txt'));
    const roots = paths.filter((p) => !p.includes('/'));
    expect(roots).toEqual([...roots].sort());
    expect(paths.indexOf('a/b/c/d/deep.txt')).toBeLessThan(paths.indexOf('big.bin'));
  });

  it('gives directories, the symlink and the FIFO their types, and empty ones size 0', () => {
    expect(byPath('emptydir')).toMatchObject({ type: 'directory', size: 0 });
    expect(byPath('café')).toMatchObject({ type: 'directory' });
    expect(byPath('日本語')).toMatchObject({ type: 'directory' });
    expect(byPath('link')).toMatchObject({ type: 'symlink', size: 0 });
    expect(byPath('fifo')).toMatchObject({ type: 'fifo', size: 0 });
    expect(byPath('empty')).toMatchObject({ type: 'file', size: 0 });
    if (process.getuid?.() === 0) expect(specials).toHaveLength(3); // device nodes need root
    for (const [path, type] of specials) expect(byPath(path), path).toMatchObject({ type, size: 0 });
    expect(entries.some((e) => e.path.startsWith('emptydir/'))).toBe(false);
    expect(entries.every((e) => e.error === undefined)).toBe(true);
  });

  it('reads files concurrently (one library instance serialises them) with the right bytes', async () => {
    const results = await Promise.all(
      files.map(async (file) => ({ file, read: await drain(reader.openFile(byPath(file.path)!)) })),
    );
    for (const { file, read } of results) {
      expect(read.error, file.path).toBeNull();
      expect(sha256(read.bytes), file.path).toBe(sha256(file.bytes));
    }
  });

  it('marks names that are not UTF-8, and still reads them through their raw bytes', async () => {
    const bad = entries.filter((e) => e.invalidName);
    expect(bad.map((e) => [e.path, e.type])).toEqual([
      ['bad\uFFFD\uFFFD.txt', 'file'],
      ['dir-bad\uFFFD\uFFFD.txt', 'directory'],
      ['dir-bad\uFFFD\uFFFD.txt/inside.txt', 'file'], // a valid name below an invalid one
    ]);
    for (const entry of bad.filter((e) => e.type === 'file')) {
      const { bytes, error } = await drain(reader.openFile(entry));
      expect(error).toBeNull();
      expect(bytes.equals(INVALID_NAME_CONTENT)).toBe(true);
    }
  });

  it('finds SIGNATURE in the root exactly, or ignoring case only when asked', async () => {
    expect(await reader.findRootFile('SIGNATURE', { caseInsensitive: false })).toMatchObject({
      path: 'SIGNATURE',
      size: 'job signature\n'.length,
    });
    expect(await reader.findRootFile('signature', { caseInsensitive: false })).toBeNull();
    expect(await reader.findRootFile('signature', { caseInsensitive: true })).toMatchObject({
      path: 'SIGNATURE',
    });
    expect(await reader.findRootFile('emptydir', { caseInsensitive: false })).toBeNull();
    expect(await reader.findRootFile('deep.txt', { caseInsensitive: false })).toBeNull();
  });

  it('refuses to read a directory as a file', async () => {
    const { error } = await drain(reader.openFile(byPath('emptydir')!));
    expect(error).toMatchObject({ name: 'DeviceReadError', code: 'EINVAL', operation: 'open' });
  });

  it('never writes: no write reached the disk and the image hash is unchanged after close', async () => {
    await reader.close();
    await reader.close();
    expect(disk.writesAttempted).toBe(0);
    expect(fileSha256(image)).toBe(imageHashBefore);
    await expect(walkAll(reader)).rejects.toMatchObject({ code: 'EBADF', scope: 'device' });
  });
});

describe('openExtVolume', () => {
  it('uses the exported entry point and reports ext4 as given', async () => {
    const scratch = scratchDir('ext-entry-');
    try {
      makeTree(join(scratch.dir, 'src'));
      buildImage('ext4', join(scratch.dir, 'src'), join(scratch.dir, 'v.img'));
      const source = await openBlockSource(join(scratch.dir, 'v.img'));
      const reader = await openExtVolume(source, { kind: 'ext4', needsRecovery: false });
      const hello = await reader.findRootFile('hello.txt', { caseInsensitive: false });
      expect((await drain(reader.openFile(hello!))).bytes.toString()).toBe('hello, world\n');
      await reader.close();
      await source.close();
    } finally {
      scratch.remove();
    }
  });
});
