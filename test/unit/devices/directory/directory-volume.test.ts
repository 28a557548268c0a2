import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileChunks } from '../../../../src/devices/chunk-pool.js';
import { openDirectoryVolume } from '../../../../src/devices/directory/index.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { collect, hashStream, sha256Of as sha } from './reader-harness.js';

// The directory reader over a plain temp dir: every entry type it can meet, name order, a name
// that is not UTF-8, bytes and mtimes, root-file lookup and close().

let root: string;
const BIG = Buffer.alloc(3 * (1 << 20) + 12345, 7).fill(0x41, 1 << 20, 2 << 20);
const INVALID = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x74, 0x78, 0x74]); // "bad\xff.txt"
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'longshore-dirvol-'));
  await mkdir(join(root, 'dir/nested/deeper'), { recursive: true });
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, 'big.bin'), BIG);
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'SIGNATURE'), 'sig');
  await writeFile(join(root, 'café 日本語.txt'), 'accents');
  await writeFile(join(root, 'dir/b.txt'), 'b');
  await writeFile(join(root, 'dir/a.txt'), 'a');
  await writeFile(join(root, 'dir/Z.txt'), 'Z');
  await writeFile(join(root, 'dir/nested/deeper/leaf'), 'leaf');
  await writeFile(Buffer.concat([Buffer.from(root), Buffer.from('/'), INVALID]), 'not utf-8');
  await symlink('big.bin', join(root, 'link'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  await utimes(join(root, 'big.bin'), at('2001-02-03T04:05:06Z'), at('2001-02-03T04:05:06Z'));
  await utimes(join(root, 'dir/a.txt'), at('2023-12-31T23:59:58Z'), at('2023-12-31T23:59:58Z'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('openDirectoryVolume: walk', () => {
  it('yields every entry depth first, sorted by name, a directory before its contents', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext2', label: 'DATA' });
    const entries = await collect(reader);
    expect(entries.map((e) => `${e.type} ${e.path}`)).toEqual([
      'file SIGNATURE',
      'file bad\uFFFD.txt',
      'file big.bin',
      'file café 日本語.txt',
      'directory dir',
      'file dir/Z.txt',
      'file dir/a.txt',
      'file dir/b.txt',
      'directory dir/nested',
      'directory dir/nested/deeper',
      'file dir/nested/deeper/leaf',
      'directory empty',
      'file empty.txt',
      'fifo fifo',
      'symlink link',
    ]);
    expect(entries.every((e) => e.error === undefined)).toBe(true);
    expect(reader).toMatchObject({ fileSystem: 'ext2', label: 'DATA', warnings: [] });
    await reader.close();
  });

  it('gives sizes of files only, mtimes in UTC, and flags the name that is not UTF-8', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext3' });
    const byPath = new Map((await collect(reader)).map((e) => [e.path, e]));
    expect(byPath.get('big.bin')).toMatchObject({ size: BIG.length, mtime: at('2001-02-03T04:05:06Z') });
    expect(byPath.get('dir/a.txt')?.mtime.toISOString()).toBe('2023-12-31T23:59:58.000Z');
    expect(byPath.get('empty.txt')?.size).toBe(0);
    expect(byPath.get('dir')?.size).toBe(0);
    expect(byPath.get('link')?.size).toBe(0);
    expect(byPath.get('bad\uFFFD.txt')?.invalidName).toBe(true);
    expect(byPath.get('big.bin')?.invalidName).toBeUndefined();
    expect(reader.label).toBeNull();
    await reader.close();
  });
});

describe('openDirectoryVolume: openFile', () => {
  it('streams the bytes of every file, including the one whose name is not UTF-8', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext2' });
    const entries = await collect(reader);
    const file = (path: string) => entries.find((e) => e.path === path)!;
    expect(await hashStream(reader.openFile(file('big.bin')))).toEqual({
      sha256: sha(BIG),
      bytes: BIG.length,
    });
    expect(await hashStream(reader.openFile(file('empty.txt')))).toEqual({ sha256: sha(''), bytes: 0 });
    expect(await hashStream(reader.openFile(file('bad\uFFFD.txt')))).toEqual({
      sha256: sha('not utf-8'),
      bytes: 9,
    });
    expect(await hashStream(reader.openFile(file('café 日本語.txt')))).toEqual({
      sha256: sha('accents'),
      bytes: 7,
    });
    await reader.close();
  });

  it('fails the stream with a file-scope DeviceReadError when the file is gone or ends early', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext2' });
    const missing = { path: 'no/such/file', type: 'file', size: 1, mtime: new Date(0) } as const;
    const gone = await hashStream(reader.openFile(missing)).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(DeviceReadError);
    expect(gone).toMatchObject({ code: 'ENOENT', operation: 'open', path: 'no/such/file', scope: 'file' });
    await writeFile(join(root, 'shrinks'), Buffer.alloc(5000, 1));
    const listed = (await collect(reader)).find((e) => e.path === 'shrinks')!;
    await truncate(join(root, 'shrinks'), 1000);
    const short = await hashStream(reader.openFile(listed)).catch((e: unknown) => e);
    expect(short).toMatchObject({
      code: 'EIO',
      operation: 'read',
      path: 'shrinks',
      scope: 'file',
      offset: 1000,
    });
    await rm(join(root, 'shrinks'));
    await reader.close();
  });
});

describe('openDirectoryVolume: readWhole', () => {
  it('gives the same bytes as the stream, small files in places of one pooled chunk', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext2' });
    const entries = await collect(reader);
    const file = (path: string) => entries.find((e) => e.path === path)!;
    const whole = async (path: string) => {
      const pieces = await reader.readWhole!(file(path));
      const bytes = Buffer.concat(pieces);
      fileChunks.give(pieces);
      return bytes;
    };
    expect((await whole('bad\uFFFD.txt')).toString()).toBe('not utf-8');
    expect((await whole('empty.txt')).length).toBe(0);
    expect(sha(await whole('big.bin'))).toBe(sha(BIG)); // larger than a chunk: the stream's chunks
    const [a] = await reader.readWhole!(file('dir/a.txt'));
    const [b] = await reader.readWhole!(file('dir/b.txt'));
    expect([a!.toString(), b!.toString()]).toEqual(['a', 'b']);
    expect(a!.buffer === b!.buffer).toBe(true);
    expect(a!.buffer.byteLength).toBe(fileChunks.chunkBytes);
    await reader.close(); // retires the chunk: back in the pool once both views are
    while (fileChunks.kept > 0) fileChunks.take();
    fileChunks.give([a!]);
    expect(fileChunks.kept).toBe(0);
    fileChunks.give([b!]);
    expect(fileChunks.take().buffer === a!.buffer).toBe(true);
  });

  it('fails as the stream does; a file that grew since the walk comes back longer', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'ext2' });
    const missing = { path: 'no/such/file', type: 'file', size: 1, mtime: new Date(0) } as const;
    await expect(reader.readWhole!(missing)).rejects.toMatchObject({ code: 'ENOENT', operation: 'open' });
    await writeFile(join(root, 'changes'), Buffer.alloc(5000, 1));
    const listed = (await collect(reader)).find((e) => e.path === 'changes')!;
    await truncate(join(root, 'changes'), 1000);
    await expect(reader.readWhole!(listed)).rejects.toMatchObject({
      code: 'EIO',
      operation: 'read',
      path: 'changes',
      offset: 1000,
    });
    await writeFile(join(root, 'changes'), Buffer.alloc(6000, 2));
    const grown = await reader.readWhole!(listed);
    expect(grown.reduce((sum, piece) => sum + piece.length, 0)).toBe(5001);
    const error = new DeviceReadError({ code: 'EIO', operation: 'stat', path: 'changes' });
    await expect(reader.readWhole!({ ...listed, error })).rejects.toBe(error);
    await rm(join(root, 'changes'));
    await reader.close();
    await expect(reader.readWhole!(listed)).rejects.toMatchObject({ code: 'ECLOSED' });
  });
});

describe('openDirectoryVolume: root files and close', () => {
  it('finds a root file exactly or ignoring case, and never a directory', async () => {
    const reader = await openDirectoryVolume(root, { fileSystem: 'NTFS' });
    expect((await reader.findRootFile('SIGNATURE', { caseInsensitive: false }))?.path).toBe('SIGNATURE');
    expect(await reader.findRootFile('signature', { caseInsensitive: false })).toBeNull();
    const found = await reader.findRootFile('signature', { caseInsensitive: true });
    expect(found).toMatchObject({ path: 'SIGNATURE', type: 'file', size: 3 });
    expect(await hashStream(reader.openFile(found!))).toEqual({ sha256: sha('sig'), bytes: 3 });
    expect(await reader.findRootFile('DIR', { caseInsensitive: true })).toBeNull();
    await reader.close();
  });

  it('close() runs onClose once, destroys open streams, and can be called twice', async () => {
    let closes = 0;
    const reader = await openDirectoryVolume(root, {
      fileSystem: 'ext2',
      onClose: async () => void closes++,
    });
    const big = (await collect(reader)).find((e) => e.path === 'big.bin')!;
    const stream = reader.openFile(big);
    await new Promise((resolve) => stream.once('readable', resolve));
    await Promise.all([reader.close(), reader.close()]);
    await reader.close();
    expect(closes).toBe(1);
    expect(stream.destroyed).toBe(true);
    const closed = { name: 'DeviceReadError', code: 'ECLOSED', scope: 'device' };
    await expect(collect(reader)).rejects.toMatchObject(closed);
    await expect(hashStream(reader.openFile(big))).rejects.toMatchObject({ ...closed, path: 'big.bin' });
  });

  it('refuses a root that is not a directory with a device-scope DeviceReadError', async () => {
    const err = await openDirectoryVolume(join(root, 'big.bin'), { fileSystem: 'ext2' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      name: 'DeviceReadError',
      code: 'ENOTDIR',
      operation: 'open',
      scope: 'device',
    });
    const missing = await openDirectoryVolume(join(root, 'nope'), { fileSystem: 'ext2' }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ code: 'ENOENT', scope: 'device' });
  });
});
