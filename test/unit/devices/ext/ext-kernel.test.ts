import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, sha256 } from '../ext2fs/ext-images.js';
import { debugfs, makeImage, openWith, patternBytes, viewOf, type ReaderView } from './ext-oracle.js';

// What only the kernel writes: inline directories spilling into their attribute, nanosecond and
// post-2038 mtimes, preallocated (uninitialised) extents. Needs root and a loop mount of ext4.

const canMount = process.getuid?.() === 0 && /\text4$/m.test(readFileSync('/proc/filesystems', 'utf8'));
const scratch = scratchDir('ext-kernel-');
const image = join(scratch.dir, 'volume.img');
const EPOCH = '@1600000000';
const written = patternBytes(4096, 3);

function sh(script: string): void {
  try {
    execFileSync('bash', ['-euc', script], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`${script}\n${(err as { stderr?: Buffer }).stderr?.toString()}`, { cause: err });
  }
}

beforeAll(() => {
  if (!canMount) return;
  const src = join(scratch.dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'seed.txt'), 'made by mke2fs\n');
  makeImage({ kind: 'ext4', blockSize: 4096, features: 'inline_data' }, src, image);
  const mnt = join(scratch.dir, 'mnt');
  mkdirSync(mnt);
  writeFileSync(join(scratch.dir, 'written'), written);
  sh(`mount -o loop ${image} ${mnt}
    trap 'cd /; umount ${mnt}' EXIT
    cd ${mnt}
    mkdir spill
    for i in 1 2 3 4; do echo "$i" > spill/name-number-$i; done
    head -c 100 ${join(scratch.dir, 'written')} > tail.bin
    echo ns > ns.txt && touch -d '2020-01-02 03:04:05.678901234 UTC' ns.txt
    echo future > future.txt && touch -d '2100-03-04 05:06:07 UTC' future.txt
    fallocate -l 1M prealloc.bin
    dd if=${join(scratch.dir, 'written')} of=prealloc.bin bs=4096 seek=128 conv=notrunc status=none
    touch -d ${EPOCH} spill/* tail.bin prealloc.bin spill seed.txt
    sync`);
});
afterAll(() => scratch.remove());

async function view(which: 'ours' | 'oracle'): Promise<ReaderView> {
  const opened = await openWith(which, image, 'ext4');
  try {
    return await viewOf(opened.reader);
  } finally {
    await opened.close();
  }
}

describe.skipIf(!canMount)('volumes written by the kernel (root, loop mount)', () => {
  it('are laid out as intended', () => {
    expect(debugfs(image, 'stat /spill')).toMatch(/Size of inline data: (\d{3})/); // beyond i_block's 60
    expect(debugfs(image, 'stat /tail.bin')).toMatch(/Size of inline data: 100/);
    expect(debugfs(image, 'ex /prealloc.bin')).toMatch(/Uninit/);
  });

  it('read as libext2fs reads them, with sub-second and post-2038 mtimes', async () => {
    const ours = await view('ours');
    const oracle = await view('oracle');
    const times = new Map(ours.entries.map((e) => [e.path, e.mtime]));
    expect(times.get('ns.txt')).toBe('2020-01-02T03:04:05.678Z');
    expect(times.get('future.txt')).toBe('2100-03-04T05:06:07.000Z');
    // The oracle keeps whole seconds, and cannot stat a post-2038 inode at all (EUCLEAN).
    expect(ours.entries.find((e) => e.path === 'future.txt')).toMatchObject({ size: 7, error: null });
    const comparable = (entries: ReaderView['entries']) =>
      entries
        .filter((e) => e.path !== 'future.txt')
        .map(({ mtime, ...rest }) => ({
          ...rest,
          mtime: rest.path === 'ns.txt' ? mtime.slice(0, 19) : mtime,
        }));
    expect(comparable(ours.entries)).toEqual(comparable(oracle.entries));
    ours.hashes.delete('future.txt');
    expect(Object.fromEntries(ours.hashes)).toEqual(Object.fromEntries(oracle.hashes));
    expect(ours.entries.filter((e) => e.path.startsWith('spill/'))).toHaveLength(4);
    const prealloc = Buffer.alloc(2 ** 20);
    written.copy(prealloc, 128 * 4096);
    expect(ours.hashes.get('prealloc.bin')).toBe(sha256(prealloc));
    expect(ours.hashes.get('tail.bin')).toBe(sha256(written.subarray(0, 100)));
  });
});
