import { execFileSync } from 'node:child_process';
import { copyFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext2fs/index.js';
import { faultySource, type BadRange } from '../../../../src/devices/faulty-source.js';
import { DeviceReadError, type DeviceReader } from '../../../../src/devices/port.js';
import {
  BLOCK_SIZE,
  blockOffset,
  buildImage,
  drain,
  fileSha256,
  makeTree,
  scratchDir,
  sha256,
  walkAll,
  type SourceFile,
} from './ext-images.js';

const scratch = scratchDir('ext-faults-');
const image = join(scratch.dir, 'volume.img');
let files: SourceFile[];
const opened: { reader?: DeviceReader; source: BlockSource }[] = [];

beforeAll(() => {
  files = makeTree(join(scratch.dir, 'src'));
  buildImage('ext3', join(scratch.dir, 'src'), image);
});

afterEach(async () => {
  for (const { reader, source } of opened.splice(0)) {
    await reader?.close();
    await source.close();
  }
});

afterAll(() => scratch.remove());

async function openFaulty(path: string, bad: BadRange[], code = 'EIO'): Promise<DeviceReader> {
  const source = faultySource(await openBlockSource(path), bad, code);
  const slot: (typeof opened)[number] = { source };
  opened.push(slot);
  slot.reader = await openExtVolume(source, { kind: 'ext3', needsRecovery: false });
  return slot.reader;
}

const blockAt = (offset: number): BadRange => ({ start: offset, end: offset + BLOCK_SIZE });

describe('bad sectors', () => {
  it('a bad range inside one file fails only that file, at the right place', async () => {
    const badLogical = 500; // ~2 MiB into big.bin
    const reader = await openFaulty(image, [blockAt(blockOffset(image, 'big.bin', badLogical))]);
    const entries = await walkAll(reader);
    expect(entries.every((e) => e.error === undefined)).toBe(true);
    for (const entry of entries.filter((e) => e.type === 'file')) {
      const { bytes, error } = await drain(reader.openFile(entry));
      if (entry.path !== 'big.bin') {
        expect(error, entry.path).toBeNull();
        const source = files.find((f) => f.path === entry.path);
        if (source) expect(sha256(bytes)).toBe(sha256(source.bytes));
        continue;
      }
      expect(error).toBeInstanceOf(DeviceReadError);
      expect(error).toMatchObject({ code: 'EIO', operation: 'read', path: 'big.bin', scope: 'file' });
      const offset = (error as DeviceReadError).offset!;
      expect(offset).toBeLessThanOrEqual(badLogical * BLOCK_SIZE);
      expect(offset).toBeGreaterThan(badLogical * BLOCK_SIZE - 1024 * 1024);
    }
  });

  it('a bad directory block fails only that directory, and the walk goes on', async () => {
    const reader = await openFaulty(image, [blockAt(blockOffset(image, 'victim', 0))]);
    const entries = await walkAll(reader);
    const victim = entries.find((e) => e.path === 'victim');
    expect(victim).toMatchObject({ type: 'directory' });
    expect(victim?.error).toMatchObject({ code: 'EIO', operation: 'readdir', path: 'victim', scope: 'file' });
    expect(entries.some((e) => e.path.startsWith('victim/'))).toBe(false);
    const after = entries.find((e) => e.path === 'zzz-after.txt');
    expect(after?.error).toBeUndefined();
    expect((await drain(reader.openFile(after!))).bytes.toString()).toBe('walked after the bad directory\n');
    expect(entries.filter((e) => e.error).map((e) => e.path)).toEqual(['victim']);
  });

  it('a device that is gone fails the stream with scope device, and the walk throws', async () => {
    const reader = await openFaulty(image, [blockAt(blockOffset(image, 'big.bin', 300))], 'ENODEV');
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    const { error } = await drain(reader.openFile(big!));
    expect(error).toMatchObject({ code: 'ENODEV', operation: 'read', path: 'big.bin', scope: 'device' });
    await expect(walkAll(reader)).rejects.toMatchObject({ code: 'ENODEV', scope: 'device' });
  });
});

describe('corrupt metadata', () => {
  it('a directory block of garbage fails only that directory, with EUCLEAN', async () => {
    const corrupt = join(scratch.dir, 'corrupt-dir.img');
    copyFileSync(image, corrupt);
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(BLOCK_SIZE, 0xff), 0, BLOCK_SIZE, blockOffset(corrupt, 'victim', 0));
    closeSync(fd);
    const reader = await openFaulty(corrupt, []);
    const entries = await walkAll(reader);
    expect(entries.filter((e) => e.error).map((e) => [e.path, e.error?.code, e.error?.operation])).toEqual([
      ['victim', 'EUCLEAN', 'readdir'],
    ]);
    expect(entries.some((e) => e.path === 'zzz-after.txt')).toBe(true);
  });
});

describe('closing while in use', () => {
  it('ends the walk with a device-scope error and cancels open streams', async () => {
    const reader = await openFaulty(image, []);
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    const stream = reader.openFile(big!);
    const streamResult = drain(stream);
    const walk = reader.walk()[Symbol.asyncIterator]();
    expect((await walk.next()).done).toBe(false);
    await reader.close();
    await expect(walk.next()).rejects.toMatchObject({ code: 'EBADF', scope: 'device' });
    expect((await streamResult).error).toMatchObject({ code: 'ECANCELED', scope: 'device' });
    const later = await drain(reader.openFile(big!));
    expect(later.error).toMatchObject({ code: 'EBADF', operation: 'open' });
  });
});

describe('mount failures', () => {
  async function mountError(path: string, bad: BadRange[] = []): Promise<unknown> {
    return openFaulty(path, bad).then(
      () => null,
      (err: unknown) => err,
    );
  }

  it('a volume that is not ext gives a device-scope mount error', async () => {
    const zeros = join(scratch.dir, 'zeros.img');
    execFileSync('truncate', ['-s', '8M', zeros]);
    const error = await mountError(zeros);
    expect(error).toBeInstanceOf(DeviceReadError);
    expect(error).toMatchObject({ operation: 'mount', scope: 'device', code: 'EUCLEAN' });
    expect((error as Error).message).toMatch(/bad superblock magic/);
  });

  it('a broken superblock gives a device-scope mount error', async () => {
    const broken = join(scratch.dir, 'broken.img');
    copyFileSync(image, broken);
    const fd = openSync(broken, 'r+');
    writeSync(fd, Buffer.alloc(4), 0, 4, 1024 + 0x20); // s_blocks_per_group = 0
    closeSync(fd);
    const error = await mountError(broken);
    expect(error).toMatchObject({ operation: 'mount', scope: 'device', code: 'EUCLEAN' });
  });

  it('an unreadable superblock gives a device-scope mount error with EIO', async () => {
    const error = await mountError(image, [{ start: 1024, end: 2048 }]);
    expect(error).toMatchObject({ operation: 'mount', scope: 'device', code: 'EIO' });
  });
});

describe('journal that needs recovery', () => {
  it('reads the volume without replay and warns once', async () => {
    const dirty = join(scratch.dir, 'dirty.img');
    copyFileSync(image, dirty);
    execFileSync('debugfs', ['-w', '-R', 'feature needs_recovery', dirty], { stdio: 'pipe' });
    const hashBefore = fileSha256(dirty);
    const source = await openBlockSource(dirty);
    const reader = await openExtVolume(source, { kind: 'ext3', needsRecovery: true });
    opened.push({ reader, source });
    expect(reader.warnings).toHaveLength(1);
    expect(reader.warnings[0]).toMatch(/journal .*needed recovery .*not replayed/);
    const hello = await reader.findRootFile('hello.txt', { caseInsensitive: false });
    expect((await drain(reader.openFile(hello!))).bytes.toString()).toBe('hello, world\n');
    await reader.close();
    expect(fileSha256(dirty)).toBe(hashBefore);
  });
});
