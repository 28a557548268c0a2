import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { BlockSource } from '../../../../src/devices/block-source.js';
import { faultySource } from '../../../../src/devices/faulty-source.js';
import { fileChunks } from '../../../../src/devices/chunk-pool.js';
import { READ_AHEAD_BLOCK_BYTES, ReadAhead } from '../../../../src/devices/fat/read-ahead.js';

// ReadAhead over an in-memory source that records what it is asked for.

const KIB = 1024;
const BLOCK = READ_AHEAD_BLOCK_BYTES;

function memorySource(bytes: Buffer, reads: Array<[number, number]>): BlockSource {
  return {
    name: 'memory',
    size: bytes.length,
    async read(buffer, offset, length, position) {
      reads.push([position, length]);
      return bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length));
    },
    close: async () => {},
  };
}

/** Buffers compared as a whole (toEqual walks them byte by byte, slowly). */
function expectBytes(got: Buffer, want: Buffer): void {
  expect(got.length).toBe(want.length);
  expect(got.equals(want)).toBe(true);
}

function setup(size = 16 * 1024 * KIB, random = true) {
  const bytes = random ? randomBytes(size) : Buffer.alloc(size);
  const reads: Array<[number, number]> = [];
  return { bytes, reads, ahead: new ReadAhead(memorySource(bytes, reads)) };
}

describe('ReadAhead', () => {
  test('small reads in one block cost one aligned block read', async () => {
    const { bytes, reads, ahead } = setup();
    expectBytes(await ahead.read(BLOCK + 100, 5000), bytes.subarray(BLOCK + 100, BLOCK + 5100));
    expectBytes(await ahead.read(BLOCK + 9000, 3000), bytes.subarray(BLOCK + 9000, BLOCK + 12_000));
    expect(reads).toEqual([[BLOCK, BLOCK]]);
  });

  test('peek gives what a cached block holds, and reads nothing', async () => {
    const { bytes, reads, ahead } = setup();
    expect(ahead.peek(BLOCK + 100, 4096)).toBeNull();
    await ahead.read(BLOCK + 10, 10);
    reads.length = 0;
    expectBytes(ahead.peek(BLOCK + 100, 4096)!, bytes.subarray(BLOCK + 100, BLOCK + 4196));
    expect(ahead.peek(2 * BLOCK - 100, 4096)).toBeNull(); // runs past the cached block
    expect(reads).toEqual([]);
  });

  test('a small read across two blocks loads both', async () => {
    const { bytes, reads, ahead } = setup();
    expectBytes(await ahead.read(BLOCK - 10, 20), bytes.subarray(BLOCK - 10, BLOCK + 10));
    expect(reads).toEqual([
      [0, BLOCK],
      [BLOCK, BLOCK],
    ]);
  });

  test('a large read goes straight through, after what cached blocks hold', async () => {
    const { bytes, reads, ahead } = setup();
    expectBytes(await ahead.read(3 * BLOCK, 512 * KIB), bytes.subarray(3 * BLOCK, 3 * BLOCK + 512 * KIB));
    await ahead.read(100, 10); // caches block 0
    reads.length = 0;
    const length = BLOCK - 1000 + 300 * KIB; // the rest of block 0, then 300 KiB
    expectBytes(await ahead.read(1000, length), bytes.subarray(1000, 1000 + length));
    expect(reads).toEqual([[BLOCK, 300 * KIB]]);
  });

  test('scattered small reads switch read-ahead off for a while', async () => {
    const { reads, ahead } = setup(80 * BLOCK, false);
    for (let i = 0; i < 40; i++) await ahead.read(i * 2 * BLOCK, 512);
    expect(reads.slice(0, 32).every(([, length]) => length === BLOCK)).toBe(true);
    expect(reads.slice(32).every(([, length]) => length === 512)).toBe(true);
  });

  test('a block with a bad sector is read exactly instead, and remembered', async () => {
    const bytes = randomBytes(4 * BLOCK);
    const reads: Array<[number, number]> = [];
    const bad = { start: BLOCK + 4096, end: BLOCK + 4608 };
    const ahead = new ReadAhead(faultySource(memorySource(bytes, reads), [bad]));
    expectBytes(await ahead.read(BLOCK + 100, 1000), bytes.subarray(BLOCK + 100, BLOCK + 1100));
    await expect(ahead.read(BLOCK + 4000, 1000)).rejects.toMatchObject({ code: 'EIO', offset: bad.start });
    expectBytes(await ahead.read(BLOCK + 8000, 100), bytes.subarray(BLOCK + 8000, BLOCK + 8100));
    expect(reads.filter(([position]) => position === BLOCK)).toHaveLength(1); // the good part of the block, once
  });

  test('reads past the end of the source come back short', async () => {
    const { bytes, ahead } = setup(BLOCK + 1000);
    expectBytes(await ahead.read(BLOCK + 900, 500), bytes.subarray(BLOCK + 900));
    expect(await ahead.read(BLOCK + 1000, 10)).toHaveLength(0);
  });

  test('dropped blocks go back to the chunk pool once their views are given back', async () => {
    const { bytes, ahead } = setup(16 * BLOCK);
    while (fileChunks.kept > 0) fileChunks.take(); // what earlier tests left there
    const views = [];
    for (let i = 0; i < 10; i++) {
      await ahead.read(i * BLOCK, 10); // loads the block (a first read is a copy)
      views.push(await ahead.read(i * BLOCK + 10, 100)); // a view of it; 8 blocks are kept
    }
    expect(fileChunks.kept).toBe(0); // blocks 0 and 1 were dropped, but their views are out
    const dropped = [views[0]!.buffer, views[1]!.buffer];
    fileChunks.give(views);
    expect(fileChunks.kept).toBe(2);
    await ahead.read(12 * BLOCK, 10); // block 12 is loaded into a chunk given back (block 2 drops)
    const reused = await ahead.read(12 * BLOCK + 10, 100);
    expect(dropped).toContain(reused.buffer);
    expectBytes(reused, bytes.subarray(12 * BLOCK + 10, 12 * BLOCK + 110));
    fileChunks.give([reused]);
  });

  test('a view kept while its block is dropped and others are loaded keeps its bytes', async () => {
    const { bytes, ahead } = setup(32 * BLOCK);
    await ahead.read(0, 10);
    const kept = await ahead.read(100, 4096);
    const peeked = ahead.peek(8192, 512)!;
    for (let i = 1; i < 30; i++) {
      await ahead.read(i * BLOCK, 10);
      fileChunks.give([await ahead.read(i * BLOCK + 10, 100)]);
    }
    expect(kept.buffer).not.toBe((await ahead.read(29 * BLOCK + 10, 10)).buffer); // its block is not reused
    expectBytes(kept, bytes.subarray(100, 4196));
    expectBytes(peeked, bytes.subarray(8192, 8704));
    fileChunks.give([kept, peeked]);
  });
});
