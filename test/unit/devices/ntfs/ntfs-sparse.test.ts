import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open as openFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNtfsVolume } from '../../../../src/devices/ntfs/index.js';
import { mountTestsUnavailableReason } from '../../../helpers/badblk.js';
import { collect, hashStream, sh } from '../directory/reader-harness.js';
import { makeNtfsImage, mountRecords, mounted } from './ntfs-images.js';

// A 5 GiB sparse file on a 64 MiB NTFS volume (copied with `cp --sparse=always` through
// ntfs-3g) reads back whole: its size is past 4 GiB, and data placed past 4 GiB comes back at
// the right offset. About 15 s: 5 GiB go through FUSE.

const SKIP = mountTestsUnavailableReason();
const SIZE = 5 * 2 ** 30;
const HEAD = randomBytes(1 << 20);
const TAIL_AT = 4.5 * 2 ** 30 + 4096; // past the 32-bit boundary
const TAIL = randomBytes(300_000);

let work: string;

/** SHA-256 of the sparse file's bytes, computed without reading it: zeros around HEAD and TAIL. */
function expectedSha(): string {
  const hash = createHash('sha256').update(HEAD);
  const zeros = Buffer.alloc(8 << 20);
  const addZeros = (count: number) => {
    for (let left = count; left > 0; left -= zeros.length)
      hash.update(zeros.subarray(0, Math.min(left, zeros.length)));
  };
  addZeros(TAIL_AT - HEAD.length);
  hash.update(TAIL);
  addZeros(SIZE - TAIL_AT - TAIL.length);
  return hash.digest('hex');
}

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-ntfs-sparse-'));
  const sparse = join(work, 'sparse.bin');
  const handle = await openFile(sparse, 'w');
  await handle.write(HEAD, 0, HEAD.length, 0);
  await handle.write(TAIL, 0, TAIL.length, TAIL_AT);
  await handle.close();
  await truncate(sparse, SIZE);
  await makeNtfsImage(join(work, 'ntfs.img'), 64, {
    fill: (mnt) => sh('cp', ['--sparse=always', sparse, `${mnt}/sparse.bin`]).then(() => {}),
  });
  await rm(sparse);
}, 60_000);

afterAll(async () => {
  if (!work) return;
  for (const record of await mountRecords(join(work, 'station'))) {
    if (await mounted(record.mountPoint)) await sh('umount', ['-l', record.mountPoint]);
  }
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(SKIP)(`NTFS sparse file of 5 GiB${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('lists its full size and reads back every byte, past 4 GiB too', async () => {
    const reader = await openNtfsVolume(
      { devicePath: join(work, 'ntfs.img'), offset: 0, size: 64 << 20 },
      { workDir: join(work, 'station') },
    );
    try {
      const [entry] = await collect(reader);
      expect(entry).toMatchObject({ path: 'sparse.bin', type: 'file', size: SIZE });
      expect(await hashStream(reader.openFile(entry!))).toEqual({ sha256: expectedSha(), bytes: SIZE });
    } finally {
      await reader.close();
    }
  }, 120_000);
});
