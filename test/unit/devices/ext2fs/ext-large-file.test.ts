import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext2fs/index.js';
import type { DeviceReader } from '../../../../src/devices/port.js';
import { buildImage, scratchDir } from './ext-images.js';

// A 5 GiB sparse file: data at 100 MiB and at 4 GiB + 100 MiB differ. A reader that seeks with
// a 32-bit position (as libext2fs's positional read does) would return the first for the second.
const MiB = 1024 * 1024;
const FILE_SIZE = 5 * 1024 * MiB;
const LOW_AT = 100 * MiB;
const HIGH_AT = 4096 * MiB + 100 * MiB;
const low = Buffer.alloc(MiB, 0x4c);
const high = Buffer.alloc(MiB, 0x48);
const zeros = Buffer.alloc(MiB);

const scratch = scratchDir('ext-large-');
let source: BlockSource;
let reader: DeviceReader;

beforeAll(async () => {
  const src = join(scratch.dir, 'src');
  const file = join(src, 'sparse.bin');
  mkdirSync(src);
  execFileSync('truncate', ['-s', String(FILE_SIZE), file]);
  writeFileSync(join(scratch.dir, 'low'), low);
  writeFileSync(join(scratch.dir, 'high'), high);
  for (const [piece, at] of [
    ['low', LOW_AT],
    ['high', HIGH_AT],
  ] as const) {
    execFileSync('dd', [
      `if=${join(scratch.dir, piece)}`,
      `of=${file}`,
      'bs=1M',
      `seek=${at / MiB}`,
      'conv=notrunc',
      'status=none',
    ]);
  }
  buildImage('ext2', src, join(scratch.dir, 'volume.img'));
  source = await openBlockSource(join(scratch.dir, 'volume.img'));
  reader = await openExtVolume(source, { kind: 'ext2', needsRecovery: false });
});

afterAll(async () => {
  await reader?.close();
  await source?.close();
  scratch.remove();
});

/** What the file holds in the 1 MiB-aligned piece that starts at `at`. */
function expectedPiece(at: number): Buffer {
  if (at === LOW_AT) return low;
  if (at === HIGH_AT) return high;
  return zeros;
}

it('reports the size above 4 GiB and reads the data past 4 GiB from the right place', async () => {
  const entry = await reader.findRootFile('sparse.bin', { caseInsensitive: false });
  expect(entry).toMatchObject({ type: 'file', size: FILE_SIZE });
  let position = 0;
  let mismatches = 0;
  for await (const chunk of reader.openFile(entry!)) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length;) {
      const at = position + i;
      const pieceStart = at - (at % MiB);
      const n = Math.min(bytes.length - i, pieceStart + MiB - at);
      const expected = expectedPiece(pieceStart).subarray(at - pieceStart, at - pieceStart + n);
      if (!bytes.subarray(i, i + n).equals(expected)) mismatches += 1;
      i += n;
    }
    position += bytes.length;
  }
  expect(position).toBe(FILE_SIZE);
  expect(mismatches).toBe(0);
}, 60_000);
