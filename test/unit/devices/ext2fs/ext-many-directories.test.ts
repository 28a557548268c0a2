import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openBlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext2fs/index.js';
import { buildImage, drain, scratchDir, walkAll } from './ext-images.js';

const scratch = scratchDir('ext-many-dirs-');
afterAll(() => scratch.remove());

// The library's own readdir leaks about 12 KiB of its fixed 16 MiB WASM heap per call and aborts
// after roughly a thousand directories; the reader lists directories without it.
it('walks thousands of directories and can still read files afterwards', async () => {
  const src = join(scratch.dir, 'src');
  for (let i = 0; i < 3000; i++)
    mkdirSync(join(src, `g${Math.floor(i / 100)}`, `dir${i}`), { recursive: true });
  writeFileSync(join(src, 'g29', 'dir2999', 'last.txt'), 'still readable\n');
  buildImage('ext2', src, join(scratch.dir, 'volume.img'), { sizeSpec: '128M' });
  const source = await openBlockSource(join(scratch.dir, 'volume.img'));
  const reader = await openExtVolume(source, { kind: 'ext2', needsRecovery: false });
  try {
    for (let pass = 0; pass < 2; pass++) {
      const entries = await walkAll(reader);
      expect(entries.filter((e) => e.type === 'directory' && !e.error)).toHaveLength(3000 + 30 + 1);
      expect(entries.filter((e) => e.error)).toEqual([]);
      const last = entries.find((e) => e.path === 'g29/dir2999/last.txt');
      expect((await drain(reader.openFile(last!))).bytes.toString()).toBe('still readable\n');
    }
  } finally {
    await reader.close();
    await source.close();
  }
}, 60_000);

it('lists a large indexed (htree) directory completely', async () => {
  const src = join(scratch.dir, 'htree-src');
  mkdirSync(join(src, 'big'), { recursive: true });
  const expected = Array.from({ length: 3000 }, (_, i) => `file with a longish name ${i}.txt`);
  for (const name of expected) writeFileSync(join(src, 'big', name), '');
  const image = join(scratch.dir, 'htree.img');
  buildImage('ext3', src, image);
  const fsck = spawnSync('e2fsck', ['-fyD', image], { stdio: 'pipe' }); // -D builds the htree index
  expect(fsck.status).toBeLessThanOrEqual(1);
  const dump = spawnSync('debugfs', ['-R', 'htree_dump /big', image], { encoding: 'utf8' });
  expect(dump.stdout).toMatch(/Root node dump/);
  const source = await openBlockSource(image);
  const reader = await openExtVolume(source, { kind: 'ext3', needsRecovery: false });
  try {
    const entries = await walkAll(reader);
    const listed = entries.filter((e) => e.path.startsWith('big/')).map((e) => e.path.slice(4));
    expect(listed).toEqual([...expected].sort());
  } finally {
    await reader.close();
    await source.close();
  }
}, 60_000);
