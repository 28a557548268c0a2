import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { fileChunks } from '../../../../src/devices/chunk-pool.js';
import { openExtVolume } from '../../../../src/devices/ext/index.js';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import { scratchDir, walkAll } from '../ext2fs/ext-images.js';
import { makeImage, physicalBlock } from './ext-oracle.js';

// Small files read whole (the loader's single PUTs) on ext2 with 4 KiB blocks: a file of more than
// 12 blocks has its indirect block between block 11 and block 12, so it lies in two pieces. Read
// whole, such a file comes as views of the read-ahead (no buffer of its size, no copy, no source
// read of its own when its neighbours brought its bytes), which go back to the chunk pool.

const BLOCK = 4096;
const scratch = scratchDir('ext-small-');
const image = join(scratch.dir, 'ext2.img');
const bytes = new Map<string, Buffer>();
const opened: { reader: DeviceReader; source: BlockSource }[] = [];

beforeAll(() => {
  const src = join(scratch.dir, 'src');
  mkdirSync(src);
  const sizes: [string, number][] = [
    ['a.bin', 20 * 1024],
    ['b-split.bin', 56 * 1024],
    ['c.bin', 30 * 1024],
    ['d-split.bin', 64 * 1024],
  ];
  for (const [name, size] of sizes) {
    bytes.set(name, randomBytes(size));
    writeFileSync(join(src, name), bytes.get(name)!);
  }
  makeImage({ kind: 'ext2', blockSize: BLOCK }, src, image);
});
afterEach(async () => {
  for (const { reader, source } of opened.splice(0)) {
    await reader.close();
    await source.close();
  }
});
afterAll(() => scratch.remove());

/** The reader over a source that counts its reads, and the entries of the volume. */
async function open(): Promise<{
  reader: DeviceReader;
  reads: number[];
  entry: (name: string) => DeviceEntry;
}> {
  const inner = await openBlockSource(image);
  const reads: number[] = [];
  const source: BlockSource = {
    name: inner.name,
    size: inner.size,
    read: (buffer, offset, length, position) => {
      reads.push(position);
      return inner.read(buffer, offset, length, position);
    },
    close: () => inner.close(),
  };
  const reader = await openExtVolume(source, { kind: 'ext2', needsRecovery: false });
  opened.push({ reader, source });
  const entries = await walkAll(reader);
  return { reader, reads, entry: (name) => entries.find((e) => e.path === name)! };
}

describe('small files read whole on ext2', () => {
  it('a file split by its indirect block comes as its two pieces, with the right bytes', async () => {
    expect(physicalBlock(image, 'b-split.bin', 12)).not.toBe(physicalBlock(image, 'b-split.bin', 11) + 1);
    const { reader, entry } = await open();
    for (const name of ['a.bin', 'b-split.bin', 'c.bin', 'd-split.bin']) {
      const pieces = await reader.readWhole!(entry(name));
      expect(pieces.length, name).toBe(name.includes('split') ? 2 : 1);
      if (name.includes('split')) expect(pieces[0]!.length).toBe(12 * BLOCK);
      expect(Buffer.concat(pieces).equals(bytes.get(name)!), name).toBe(true);
      fileChunks.give(pieces);
    }
  });

  it('costs no source read of its own once its neighbours brought its bytes', async () => {
    const { reader, reads, entry } = await open();
    fileChunks.give(await reader.readWhole!(entry('a.bin')));
    const before = reads.length;
    for (const name of ['b-split.bin', 'c.bin', 'd-split.bin'])
      fileChunks.give(await reader.readWhole!(entry(name)));
    expect(reads.length).toBe(before);
  });

  it('its pieces are views lent by the read-ahead: given back, they free its block for the pool', async () => {
    const { reader, entry } = await open();
    fileChunks.give(await reader.readWhole!(entry('a.bin'))); // loads the block (a first read is a copy)
    const pieces = await reader.readWhole!(entry('b-split.bin'));
    const block = pieces[0]!.buffer;
    expect(pieces.every((piece) => piece.buffer === block && piece.length < block.byteLength)).toBe(true);
    await reader.close(); // drops the read-ahead's blocks
    while (fileChunks.kept > 0) fileChunks.take();
    fileChunks.give(pieces);
    expect(fileChunks.kept).toBe(1);
    expect(fileChunks.take().buffer).toBe(block);
  });
});
