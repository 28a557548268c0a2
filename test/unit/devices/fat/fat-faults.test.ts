import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { faultySource, type BadRange } from '../../../../src/devices/faulty-source.js';
import { openFatVolume } from '../../../../src/devices/fat/index.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import {
  clusterRange,
  clustersOf,
  copyIn,
  expectedTree,
  forgetFreeClusterHint,
  geometryOf,
  makeImage,
  makeTree,
  openImage,
  patchBytes,
  patchFat,
  readEverything,
  readStream,
  sha256,
  tool,
  type Expected,
  type ReadBack,
} from './fat-images.js';

// Bad sectors (faultySource), broken chains and cycles (patched FAT / directory bytes), truncated
// images: each failure stays with its own file or directory, and the walk goes on.

const FILES = {
  'victim.bin': { content: randomBytes(200_000) },
  'ok1.bin': { content: randomBytes(100_000) },
  'ok2.txt': { content: 'fine\n' },
  'baddir/x.txt': { content: 'x\n' },
  'baddir/y.txt': { content: 'y\n' },
  'gooddir/z.txt': { content: 'z\n' },
  'loop.bin': { content: randomBytes(10_000) },
  'short.bin': { content: randomBytes(10_000) },
  'outside.bin': { content: randomBytes(10_000) },
  'cyc/inner/leaf.txt': { content: 'leaf\n' },
};

let work: string;
let base: string;
let expected: Map<string, Expected>;
let copies = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fat-faults-'));
  makeTree(join(work, 'src'), FILES);
  expected = expectedTree(join(work, 'src'));
  base = join(work, 'base.img');
  makeImage(base, 'FAT32');
  copyIn(base, join(work, 'src'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh copy of the base image to break. */
function copyOfBase(): string {
  const image = join(work, `copy${++copies}.img`);
  copyFileSync(base, image);
  return image;
}

const firstCluster = (image: string, path: string) => (clustersOf(image, path)[0] as [number, number])[0];

async function readWith(image: string, bad: BadRange[] = [], code = 'EIO'): Promise<Map<string, ReadBack>> {
  const reader = await openFatVolume(faultySource(await openImage(image), bad, code), { timeZone: 'UTC' });
  try {
    return new Map((await readEverything(reader)).map((r) => [r.entry.path, r]));
  } finally {
    await reader.close();
  }
}

/** Every path except `broken` (and what is below a broken directory) reads back intact. */
function expectOthersIntact(got: Map<string, ReadBack>, broken: string[]): void {
  for (const [path, want] of expected) {
    if (broken.some((b) => path === b || path.startsWith(`${b}/`))) continue;
    const read = got.get(path);
    expect(read?.entry.error, path).toBeUndefined();
    expect(read?.readError, path).toBeUndefined();
    if (want.type === 'file') expect(read?.sha256, path).toBe(want.sha256);
  }
}

/** Byte offset of the 32-byte record named `raw83` (11 bytes, space padded) in a directory cluster. */
function recordOffset(image: string, dirCluster: number, raw83: string): number {
  const { start, end } = clusterRange(image, dirCluster);
  const bytes = readFileSync(image).subarray(start, end);
  for (let at = 0; at < bytes.length; at += 32) {
    if (bytes.subarray(at, at + 11).toString('latin1') === raw83) return start + at;
  }
  throw new Error(`${raw83} not found in cluster ${dirCluster}`);
}

/** Points a directory record at another first cluster. */
function setFirstCluster(image: string, record: number, cluster: number): void {
  const field = Buffer.alloc(2);
  field.writeUInt16LE(cluster >> 16);
  patchBytes(image, record + 20, field);
  field.writeUInt16LE(cluster & 0xffff);
  patchBytes(image, record + 26, field);
}

describe('bad sectors', () => {
  test('a bad cluster in a file fails that file only, at its byte offset', async () => {
    const start = firstCluster(base, '/victim.bin');
    const got = await readWith(base, [clusterRange(base, start + 100)]);
    const error = got.get('victim.bin')?.readError;
    expect(error).toBeInstanceOf(DeviceReadError);
    expect(error).toMatchObject({
      scope: 'file',
      operation: 'read',
      path: 'victim.bin',
      code: 'EIO',
      offset: 51_200,
    });
    expectOthersIntact(got, ['victim.bin']);
  });

  test("a bad cluster in a directory fails that directory's entry; the walk goes on", async () => {
    const got = await readWith(base, [clusterRange(base, firstCluster(base, '/baddir'))]);
    expect(got.get('baddir')?.entry.type).toBe('directory');
    expect(got.get('baddir')?.entry.error).toMatchObject({
      scope: 'file',
      operation: 'readdir',
      path: 'baddir',
      code: 'EIO',
      offset: 0,
    });
    expect(got.has('baddir/x.txt')).toBe(false);
    expectOthersIntact(got, ['baddir']);
  });

  test('a bad FAT #1 is read from FAT #2', async () => {
    const { fatOffset, fatSize } = geometryOf(base);
    const got = await readWith(base, [{ start: fatOffset, end: fatOffset + fatSize }]);
    expectOthersIntact(got, []);
  });

  test('when every FAT copy is bad, or the root is, opening fails for the device', async () => {
    const { fatOffset, fatSize } = geometryOf(base);
    const allFats = faultySource(await openImage(base), [{ start: fatOffset, end: fatOffset + 2 * fatSize }]);
    await expect(openFatVolume(allFats, { timeZone: 'UTC' })).rejects.toMatchObject({
      scope: 'device',
      operation: 'mount',
      code: 'EIO',
    });
    await allFats.close();
    const root = faultySource(await openImage(base), [clusterRange(base, geometryOf(base).rootCluster)]);
    await expect(openFatVolume(root, { timeZone: 'UTC' })).rejects.toMatchObject({
      scope: 'device',
      code: 'EIO',
    });
    await root.close();
  });

  test('a device that is gone fails with a device-scope error', async () => {
    const start = firstCluster(base, '/victim.bin');
    const got = await readWith(base, [clusterRange(base, start + 1)], 'ENODEV');
    expect(got.get('victim.bin')?.readError).toMatchObject({ scope: 'device', code: 'ENODEV' });
  });
});

describe('broken chains and cycles', () => {
  test('a loop, an early end and a pointer outside the volume each fail only their file', async () => {
    const image = copyOfBase();
    const loop = firstCluster(image, '/loop.bin');
    patchFat(image, loop + 5, loop + 2);
    patchFat(image, firstCluster(image, '/short.bin') + 3, 0x0fffffff);
    patchFat(image, firstCluster(image, '/outside.bin') + 1, 0x0ffff000);
    const got = await readWith(image);
    const chainError = (offset: number) => ({ scope: 'file', operation: 'read', code: 'EBADCHAIN', offset });
    expect(got.get('loop.bin')?.readError).toMatchObject({ ...chainError(6 * 512), path: 'loop.bin' });
    expect(got.get('short.bin')?.readError).toMatchObject(chainError(4 * 512));
    expect(got.get('outside.bin')?.readError).toMatchObject(chainError(2 * 512));
    expect(String(got.get('loop.bin')?.readError)).toMatch(/loops back/);
    expectOthersIntact(got, ['loop.bin', 'short.bin', 'outside.bin']);
  });

  test('a file whose first cluster is impossible is yielded with an error', async () => {
    const image = copyOfBase();
    setFirstCluster(image, recordOffset(image, geometryOf(image).rootCluster, 'OK2     TXT'), 0);
    const got = await readWith(image);
    expect(got.get('ok2.txt')?.entry.error).toMatchObject({
      code: 'EBADCHAIN',
      operation: 'stat',
      scope: 'file',
    });
    expectOthersIntact(got, ['ok2.txt']);
  });

  test('a directory pointing back at its parent or the root is a cycle, reported once', async () => {
    const image = copyOfBase();
    const cyc = firstCluster(image, '/cyc');
    setFirstCluster(image, recordOffset(image, cyc, 'INNER      '), cyc);
    setFirstCluster(image, recordOffset(image, geometryOf(image).rootCluster, 'GOODDIR    '), 2);
    const got = await readWith(image);
    expect(got.get('cyc')?.entry.error).toBeUndefined();
    expect(got.get('cyc/inner')?.entry.error).toMatchObject({ code: 'ELOOP', operation: 'readdir' });
    expect(got.get('gooddir')?.entry.error).toMatchObject({ code: 'ELOOP', operation: 'readdir' });
    expect([...got.keys()].filter((p) => p.startsWith('cyc/'))).toEqual(['cyc/inner']);
    expectOthersIntact(got, ['cyc', 'gooddir']);
  });
});

describe('fragmentation and damaged volumes', () => {
  test('a file that fills a deleted file’s hole and goes on after the next file reads intact', async () => {
    const image = join(work, 'fragmented.img');
    makeImage(image, 'FAT32');
    const parts = {
      A: randomBytes(5000),
      B: randomBytes(5000),
      C: randomBytes(5000),
      D: randomBytes(12_000),
    };
    for (const [name, bytes] of Object.entries(parts)) writeFileSync(join(work, name), bytes);
    for (const name of ['A', 'B', 'C']) tool('mcopy', ['-i', image, join(work, name), `::/${name}`]);
    tool('mdel', ['-i', image, '::/B']);
    forgetFreeClusterHint(image);
    tool('mcopy', ['-i', image, join(work, 'D'), '::/D']);
    const runs = clustersOf(image, '/D');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.[0]).toBeLessThan(clustersOf(image, '/C')[0]?.[0] ?? 0);
    const reader = await openFatVolume(await openImage(image), { timeZone: 'UTC' });
    const got = await readEverything(reader);
    await reader.close();
    expect(got.map((g) => g.entry.path)).toEqual(['A', 'C', 'D']);
    expect(got.map((g) => g.sha256)).toEqual([parts.A, parts.C, parts.D].map(sha256));
  });

  test('a truncated image fails at open, saying so', async () => {
    const image = join(work, 'truncated.img');
    writeFileSync(image, readFileSync(base).subarray(0, 20 * 1024 * 1024));
    const opening = openFatVolume(await openImage(image), { timeZone: 'UTC' });
    await expect(opening).rejects.toMatchObject({ code: 'ETRUNCATED', scope: 'device', operation: 'mount' });
    await expect(opening).rejects.toThrow(/truncated/);
  });

  test('bytes that are not a FAT boot sector fail at open', async () => {
    const image = join(work, 'zeros.img');
    writeFileSync(image, Buffer.alloc(1024 * 1024));
    await expect(openFatVolume(await openImage(image), { timeZone: 'UTC' })).rejects.toMatchObject({
      code: 'EBADFS',
      scope: 'device',
      operation: 'mount',
    });
  });

  test('a file read from an entry of the walk can be read twice (no shared cursor)', async () => {
    const reader = await openFatVolume(await openImage(base), { timeZone: 'UTC' });
    const entry = await reader.findRootFile('victim.bin', { caseInsensitive: false });
    const [a, b] = await Promise.all([
      readStream(reader.openFile(entry!)),
      readStream(reader.openFile(entry!)),
    ]);
    await reader.close();
    expect(sha256(a)).toBe(expected.get('victim.bin')?.sha256);
    expect(sha256(b)).toBe(sha256(a));
  });
});
