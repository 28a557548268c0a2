import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext/index.js';
import { scratchDir, sha256 } from '../ext2fs/ext-images.js';
import { openWith, patternBytes, viewOf } from './ext-oracle.js';

// A 2 TiB ext4 volume (sparse image, inode tables never initialised): the libext2fs reader cannot
// open it (its bitmaps do not fit its 16 MiB heap); this reader opens it reading only a few MiB.

const scratch = scratchDir('ext-2tib-');
const image = join(scratch.dir, 'volume.img');
const files: [string, Buffer][] = [
  ['hello.txt', Buffer.from('hello from a 2 TiB volume\n')],
  ['sub/dir/data.bin', patternBytes(3 * 2 ** 20 + 11, 7)],
  ['sub/empty', Buffer.alloc(0)],
];
const when = new Date(Date.UTC(2022, 2, 3, 4, 5, 6));

beforeAll(() => {
  const src = join(scratch.dir, 'src');
  for (const [path, bytes] of files) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), bytes);
    utimesSync(join(src, path), when, when);
  }
  execFileSync('truncate', ['-s', '2T', image]);
  execFileSync('mke2fs', ['-q', '-t', 'ext4', '-E', 'lazy_itable_init=1', '-d', src, '-F', image], {
    stdio: 'pipe',
  });
});
afterAll(() => scratch.remove());

/** A source that counts the bytes read through it. */
function counting(inner: BlockSource): BlockSource & { bytesRead: number } {
  const counted = {
    name: inner.name,
    size: inner.size,
    bytesRead: 0,
    read: async (buffer: Buffer, offset: number, length: number, position: number) => {
      const got = await inner.read(buffer, offset, length, position);
      counted.bytesRead += got;
      return got;
    },
    close: () => inner.close(),
  };
  return counted;
}

it('opens a 2 TiB ext4 volume and reads its files, reading only a few MiB of metadata', async () => {
  const source = counting(await openBlockSource(image));
  expect(source.size).toBe(2 * 2 ** 40);
  const reader = await openExtVolume(source, { kind: 'ext4', needsRecovery: false });
  try {
    const entries: string[] = [];
    const hashes = new Map<string, string>();
    for await (const entry of reader.walk()) {
      entries.push(`${entry.path} ${entry.type} ${entry.size}`);
      expect(entry.error).toBeUndefined();
      if (entry.type !== 'file') continue;
      expect(entry.mtime.toISOString()).toBe(when.toISOString());
      const chunks: Buffer[] = [];
      for await (const chunk of reader.openFile(entry)) chunks.push(chunk as Buffer);
      hashes.set(entry.path, sha256(Buffer.concat(chunks)));
    }
    expect(entries).toEqual([
      'hello.txt file 26',
      'lost+found directory 0',
      'sub directory 0',
      'sub/dir directory 0',
      `sub/dir/data.bin file ${3 * 2 ** 20 + 11}`,
      'sub/empty file 0',
    ]);
    for (const [path, bytes] of files) expect(hashes.get(path), path).toBe(sha256(bytes));
    expect(source.bytesRead).toBeLessThan(16 * 2 ** 20);
  } finally {
    await reader.close();
    await source.close();
  }
});

it('is a volume the libext2fs reader refuses (ENOMEM), which is why this reader exists', async () => {
  await expect(openWith('oracle', image, 'ext4')).rejects.toMatchObject({
    code: 'ENOMEM',
    operation: 'mount',
  });
  const ours = await openWith('ours', image, 'ext4');
  try {
    expect((await viewOf(ours.reader)).hashes.size).toBe(3);
  } finally {
    await ours.close();
  }
});
