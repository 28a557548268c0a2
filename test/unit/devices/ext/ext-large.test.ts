import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import { fileSha256, scratchDir, sha256 } from '../ext2fs/ext-images.js';
import { firstDifference, makeImage, openWith, patternBytes, type ExtKind } from './ext-oracle.js';

// A 5 GiB sparse file with data past 4 GiB: i_size_high, the triple indirect block on ext2 (4 KiB
// blocks: the double indirect block ends at 4 GiB), 32-bit overflow of positions on both. The two
// readers' streams are compared byte for byte (hashing 5 GiB twice would take most of a minute).

const GiB = 2 ** 30;
const FILE_SIZE = 5 * GiB;
const PIECES: [number, Buffer][] = [
  [100 * 2 ** 20, patternBytes(2 ** 20, 1)],
  [4 * GiB + 100 * 2 ** 20 + 4096, patternBytes(2 ** 20, 2)],
  [FILE_SIZE - 5000, patternBytes(5000, 3)],
];
const when = new Date(Date.UTC(2019, 1, 2, 3, 4, 5));
const scratch = scratchDir('ext-large-');
const src = join(scratch.dir, 'src');
afterAll(() => scratch.remove());

beforeAll(() => {
  mkdirSync(src);
  const file = join(src, 'sparse.bin');
  execFileSync('truncate', ['-s', String(FILE_SIZE), file]);
  const fd = openSync(file, 'r+');
  for (const [at, bytes] of PIECES) writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
  utimesSync(file, when, when);
});

/** sha256 of each piece's range of the file, as this reader streams it. */
async function piecesOf(reader: DeviceReader, entry: DeviceEntry): Promise<string[]> {
  const found = PIECES.map(([, bytes]) => ({ bytes: Buffer.alloc(bytes.length), filled: 0 }));
  let position = 0;
  for await (const chunk of reader.openFile(entry)) {
    const bytes = chunk as Buffer;
    PIECES.forEach(([at, piece], i) => {
      const start = Math.max(at, position);
      const end = Math.min(at + piece.length, position + bytes.length);
      if (start < end)
        found[i]!.filled += bytes.copy(found[i]!.bytes, start - at, start - position, end - position);
    });
    position += bytes.length;
  }
  expect(position).toBe(FILE_SIZE);
  return found.map((f) => sha256(f.bytes.subarray(0, f.filled)));
}

describe.each(['ext2', 'ext4'] as ExtKind[])('%s', (kind) => {
  it('reads a 5 GiB sparse file with data past 4 GiB byte for byte as libext2fs does', async () => {
    const image = join(scratch.dir, `${kind}.img`);
    makeImage({ kind, blockSize: 4096, size: '64M' }, src, image);
    const before = fileSha256(image);
    const ours = await openWith('ours', image, kind);
    const oracle = await openWith('oracle', image, kind);
    try {
      const entry = await ours.reader.findRootFile('sparse.bin', { caseInsensitive: false });
      const theirs = await oracle.reader.findRootFile('sparse.bin', { caseInsensitive: false });
      expect(entry).toMatchObject({ type: 'file', size: FILE_SIZE, mtime: when });
      expect(theirs).toMatchObject({ type: 'file', size: FILE_SIZE, mtime: when });
      expect(await piecesOf(ours.reader, entry!)).toEqual(PIECES.map(([, bytes]) => sha256(bytes)));
      expect(await firstDifference(ours.reader.openFile(entry!), oracle.reader.openFile(theirs!))).toBeNull();
    } finally {
      await ours.close();
      await oracle.close();
    }
    expect(fileSha256(image)).toBe(before);
  }, 60_000);
});
