import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlockSource, sliceBlockSource } from '../../../../src/devices/block-source.js';
import { faultySource } from '../../../../src/devices/faulty-source.js';
import { descriptorBlock, groupHasSuperblock } from '../../../../src/devices/ext/group-descriptors.js';
import { openExtVolume } from '../../../../src/devices/ext/index.js';
import { parseSuperblock } from '../../../../src/devices/ext/superblock.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { makeTree, scratchDir, sha256, type SourceFile } from '../ext2fs/ext-images.js';
import { expectMatchesTree, hashFile, makeImage, openWith, physicalBlock, viewOf } from './ext-oracle.js';

const scratch = scratchDir('ext-sb-');
const src = join(scratch.dir, 'src');
const plain = join(scratch.dir, 'plain.img');
let files: SourceFile[];
beforeAll(() => {
  files = makeTree(src);
  makeImage({ kind: 'ext4', blockSize: 4096 }, src, plain);
});
afterAll(() => scratch.remove());

function superblockOf(image: string): Buffer {
  const bytes = Buffer.alloc(1024);
  const fd = openSync(image, 'r');
  readSync(fd, bytes, 0, 1024, 1024);
  closeSync(fd);
  return bytes;
}

/** A copy of `image` with the superblock's u32 (or u16) at `field` changed by `change`. */
function withField(
  name: string,
  field: number,
  change: (old: number) => number,
  bytes: 2 | 4 = 4,
  base = plain,
): string {
  const copy = join(scratch.dir, name);
  copyFileSync(base, copy);
  const sb = superblockOf(copy);
  const value = change(bytes === 4 ? sb.readUInt32LE(field) : sb.readUInt16LE(field)) >>> 0;
  const out = Buffer.alloc(bytes);
  if (bytes === 4) out.writeUInt32LE(value);
  else out.writeUInt16LE(value);
  const fd = openSync(copy, 'r+');
  writeSync(fd, out, 0, bytes, 1024 + field);
  closeSync(fd);
  return copy;
}

async function mountError(image: string, wrap = (s: Awaited<ReturnType<typeof openBlockSource>>) => s) {
  const source = await openBlockSource(image);
  try {
    const reader = await openExtVolume(wrap(source), { kind: 'ext4', needsRecovery: false });
    await reader.close();
    return null;
  } catch (err) {
    return err as DeviceReadError;
  } finally {
    await source.close();
  }
}

describe('features that cannot be read refuse the volume (EUNSUPPORTED, naming them)', () => {
  it.each([
    [
      'encrypt',
      () => (makeImage({ kind: 'ext4', features: 'encrypt' }, src, join(scratch.dir, 'e.img')), 'e.img'),
    ],
    [
      'journal_dev',
      () => (
        execFileSync('mke2fs', ['-q', '-O', 'journal_dev', '-F', join(scratch.dir, 'j.img'), '16M'], {
          stdio: 'pipe',
        }),
        'j.img'
      ),
    ],
    ['compression', () => (withField('c.img', 0x60, (v) => v | 0x1), 'c.img')],
    ['unknown incompat feature 0x80000000', () => (withField('u.img', 0x60, (v) => v | 0x80000000), 'u.img')],
    [
      'casefold with name encoding 2',
      () => (
        withField(
          'cf.img',
          0x27c,
          () => 2,
          2,
          withField('cf0.img', 0x60, (v) => v | 0x20000),
        ),
        'cf.img'
      ),
    ],
  ])('%s', async (feature, build) => {
    const error = await mountError(join(scratch.dir, build()));
    expect(error).toBeInstanceOf(DeviceReadError);
    expect(error).toMatchObject({ code: 'EUNSUPPORTED', operation: 'mount', scope: 'device' });
    expect(error?.message).toContain(feature);
  });

  // The oracle (npm ext2fs) refuses casefold, so this is checked against the source tree.
  it('casefold with UTF-8 names is read like any volume', async () => {
    const image = join(scratch.dir, 'casefold.img');
    makeImage({ kind: 'ext4', blockSize: 4096, features: 'casefold' }, src, image);
    const opened = await openWith('ours', image, 'ext4');
    try {
      expectMatchesTree(await viewOf(opened.reader), files);
    } finally {
      await opened.close();
    }
  });
});

describe('volumes that cannot be opened', () => {
  it('not ext at all: EUCLEAN', async () => {
    const zeros = join(scratch.dir, 'zeros.img');
    execFileSync('truncate', ['-s', '8M', zeros]);
    const error = await mountError(zeros);
    expect(error).toMatchObject({ code: 'EUCLEAN', operation: 'mount', scope: 'device' });
    expect(error?.message).toMatch(/bad superblock magic/);
  });

  it.each([
    ['blocks per group 0', 0x20, () => 0],
    ['log block size 7', 0x18, () => 7],
    ['inode count off by one', 0x0, (v: number) => v + 1],
    ['revision 2', 0x4c, () => 2],
  ])('%s', async (_, field, change) => {
    const error = await mountError(withField(`f${field}.img`, field, change));
    expect(error).toMatchObject({ operation: 'mount', scope: 'device' });
    expect(['EUCLEAN', 'EUNSUPPORTED']).toContain(error?.code);
  });

  it('an unreadable superblock gives the device error', async () => {
    const error = await mountError(plain, (s) => faultySource(s, [{ start: 1024, end: 2048 }]));
    expect(error).toMatchObject({ code: 'EIO', operation: 'mount', scope: 'device' });
  });
});

it('a device shorter than its volume warns, and files past its end fail with EIO', async () => {
  const source = await openBlockSource(plain);
  try {
    const end = physicalBlock(plain, 'big.bin', 100) * 4096;
    const reader = await openExtVolume(sliceBlockSource(source, 0, end, 'short'), {
      kind: 'ext4',
      needsRecovery: false,
    });
    expect(reader.warnings).toEqual([expect.stringMatching(/declares \d+ bytes but the device holds only/)]);
    const big = await reader.findRootFile('big.bin', { caseInsensitive: false });
    expect(await hashFile(reader, big!)).toBe(`error EIO @${100 * 4096}`);
    const outcomes = new Map<string, string>();
    for await (const entry of reader.walk()) {
      if (entry.type === 'file' && !entry.error && !entry.invalidName) {
        outcomes.set(entry.path, await hashFile(reader, entry));
      }
    }
    const expected = new Map(files.map((f) => [f.path, sha256(f.bytes)]));
    const whole = [...outcomes].filter(([path, hash]) => hash === expected.get(path));
    const failed = [...outcomes].filter(([, hash]) => hash.startsWith('error EIO'));
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.length + failed.length, JSON.stringify([...outcomes])).toBe(outcomes.size);
  } finally {
    await source.close();
  }
});

it('finds superblock backups and meta_bg descriptor blocks where dumpe2fs says they are', () => {
  const image = join(scratch.dir, 'metabg.img');
  const args = ['-q', '-t', 'ext4', '-b', '1024', '-I', '128', '-O', '^64bit,meta_bg,^resize_inode,^flex_bg'];
  execFileSync('mke2fs', [...args, '-F', image, '512M'], { stdio: 'pipe' });
  const sb = parseSuperblock(superblockOf(image));
  expect(sb).toMatchObject({ metaBg: true, blockSize: 1024, descSize: 32, groupCount: 64 });
  const dump = execFileSync('dumpe2fs', [image], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const groups = dump.split(/^Group (?=\d+:)/m).slice(1);
  expect(groups).toHaveLength(64);
  for (const text of groups) {
    const g = Number(text.slice(0, text.indexOf(':')));
    expect(groupHasSuperblock(sb, g), `group ${g}`).toBe(/superblock at/.test(text));
    const descriptor = /Group descriptor at (\d+)/.exec(text);
    if (g % 32 === 0) expect(descriptorBlock(sb, g / 32), `group ${g}`).toBe(Number(descriptor?.[1]));
  }
});
