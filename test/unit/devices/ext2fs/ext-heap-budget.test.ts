import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource } from '../../../../src/devices/block-source.js';
import { ReadOnlyCachedDisk } from '../../../../src/devices/ext2fs/cached-disk.js';
import { mountExt2fs } from '../../../../src/devices/ext2fs/ext2fs-binding.js';
import { HEAP_BUDGET_BYTES, HeapBudgetError } from '../../../../src/devices/ext2fs/heap-budget.js';
import { readSuperblockFacts } from '../../../../src/devices/ext2fs/ext-superblock.js';
import { openExtVolume } from '../../../../src/devices/ext2fs/index.js';
import { buildImage, drain, makeTree, scratchDir } from './ext-images.js';

const scratch = scratchDir('ext-heap-');
const image = join(scratch.dir, 'volume.img');

beforeAll(() => {
  makeTree(join(scratch.dir, 'src'));
  buildImage('ext2', join(scratch.dir, 'src'), image);
});

afterAll(() => scratch.remove());

function dumpe2fsField(name: string): number {
  const out = execFileSync('dumpe2fs', ['-h', image], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(out);
  return Number(match?.[1]);
}

describe('the heap estimate', () => {
  it('counts both bitmaps and the group descriptors', async () => {
    const source = await openBlockSource(image);
    try {
      const facts = await readSuperblockFacts(new ReadOnlyCachedDisk(source));
      const blocks = dumpe2fsField('Block count');
      const inodes = dumpe2fsField('Inode count');
      const groups = Math.ceil(blocks / dumpe2fsField('Blocks per group'));
      expect(facts).toMatchObject({ label: 'TESTVOL', blockSize: 4096, inlineData: false });
      expect(facts.mountHeapBytes).toBe(Math.ceil(blocks / 8) + Math.ceil(inodes / 8) + groups * 32);
    } finally {
      await source.close();
    }
  });
});

describe('volumes too large for the library heap', () => {
  it('are refused with ENOMEM before libext2fs runs out, and the library stays usable', async () => {
    const huge = join(scratch.dir, 'huge.img');
    copyFileSync(image, huge);
    const fd = openSync(huge, 'r+');
    const count = Buffer.alloc(4);
    count.writeUInt32LE(2 ** 27); // s_blocks_count: 512 GiB of 4 KiB blocks, a 16 MiB block bitmap
    writeSync(fd, count, 0, 4, 1024 + 0x04);
    closeSync(fd);
    const hugeSource = await openBlockSource(huge);
    const error = await openExtVolume(hugeSource, { kind: 'ext2', needsRecovery: false }).catch(
      (e: unknown) => e,
    );
    await hugeSource.close();
    expect(error).toMatchObject({ code: 'ENOMEM', operation: 'mount', scope: 'device' });
    expect((error as Error).message).toMatch(/about 250 GB/);

    const source = await openBlockSource(image);
    const reader = await openExtVolume(source, { kind: 'ext2', needsRecovery: false });
    const hello = await reader.findRootFile('hello.txt', { caseInsensitive: false });
    expect((await drain(reader.openFile(hello!))).bytes.toString()).toBe('hello, world\n');
    await reader.close();
    await source.close();
  });

  it('share one budget across the volumes open at once', async () => {
    const source = await openBlockSource(image);
    const share = Math.floor(HEAP_BUDGET_BYTES * 0.6);
    try {
      const first = await mountExt2fs(new ReadOnlyCachedDisk(source), share);
      await expect(mountExt2fs(new ReadOnlyCachedDisk(source), share)).rejects.toBeInstanceOf(
        HeapBudgetError,
      );
      await first.umount();
      const again = await mountExt2fs(new ReadOnlyCachedDisk(source), share);
      await again.umount();
    } finally {
      await source.close();
    }
  });
});
