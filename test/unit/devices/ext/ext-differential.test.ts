import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fileSha256,
  makeSpecialFiles,
  makeTree,
  scratchDir,
  sha256,
  type SourceFile,
} from '../ext2fs/ext-images.js';
import {
  expectMatchesTree,
  expectSameAsOracle,
  makeImage,
  openWith,
  viewOf,
  type ImageSpec,
} from './ext-oracle.js';

const VARIANTS: (ImageSpec & { name: string })[] = [
  { name: 'ext2', kind: 'ext2', blockSize: 4096 },
  { name: 'ext3', kind: 'ext3', blockSize: 4096 },
  { name: 'ext4', kind: 'ext4', blockSize: 4096 },
  { name: 'ext4 inline_data', kind: 'ext4', blockSize: 4096, features: 'inline_data' },
  { name: 'ext2 1 KiB blocks', kind: 'ext2', blockSize: 1024 },
  { name: 'ext4 32-bit descriptors, 128-byte inodes', kind: 'ext4', features: '^64bit', inodeSize: 128 },
  { name: 'ext4 meta_bg, 1 KiB blocks', kind: 'ext4', features: 'meta_bg,^resize_inode', blockSize: 1024 },
  { name: 'ext3 2 KiB blocks, 128-byte inodes', kind: 'ext3', blockSize: 2048, inodeSize: 128 },
];

const scratch = scratchDir('ext-diff-');
let files: SourceFile[];
const src = join(scratch.dir, 'src');

beforeAll(() => {
  files = makeTree(src);
  makeSpecialFiles(src);
});
afterAll(() => scratch.remove());

describe.each(VARIANTS)('$name', (spec) => {
  it('walks and reads exactly as libext2fs does, and never writes', async () => {
    const image = join(scratch.dir, `${spec.name.replace(/\W+/g, '-')}.img`);
    makeImage(spec, src, image);
    const before = fileSha256(image);
    const ours = await expectSameAsOracle(image, spec.kind);
    for (const file of files) expect(ours.hashes.get(file.path), file.path).toBe(sha256(file.bytes));
    const types = new Map(ours.entries.map((e) => [e.path, e.type]));
    expect(types.get('link')).toBe('symlink');
    expect(types.get('fifo')).toBe('fifo');
    expect(ours.entries.filter((e) => e.invalidName).length).toBe(3);
    expect(ours.entries.every((e) => e.error === null)).toBe(true);
    expect(fileSha256(image)).toBe(before);
  });
});

// libext2fs (the oracle) refuses these, so they are checked against the source tree.
it.each([
  { name: '64 KiB blocks', kind: 'ext4', blockSize: 65536, size: '256M' },
  { name: 'bigalloc (64 KiB clusters)', kind: 'ext4', blockSize: 4096, features: 'bigalloc', size: '256M' },
] as const)('reads a volume with $name', async (spec) => {
  const image = join(scratch.dir, `${spec.name.replace(/\W+/g, '-')}.img`);
  makeImage(spec, src, image);
  const opened = await openWith('ours', image, 'ext4');
  try {
    expectMatchesTree(await viewOf(opened.reader), files);
  } finally {
    await opened.close();
  }
});
