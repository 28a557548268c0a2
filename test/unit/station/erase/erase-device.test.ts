import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import {
  eraseDevice,
  eraseTarget,
  sampleRegions,
  verifyZeroed,
  type EraseProgress,
} from '../../../../src/station/erase/index.js';

const MiB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longshore-erase-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An image of `size` random bytes (a full customer disk in miniature). */
async function randomImage(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(size));
  return path;
}

async function writeAt(path: string, position: number, bytes: Buffer): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.write(bytes, 0, bytes.length, position);
  await handle.close();
}

function isAllZero(bytes: Buffer): boolean {
  return bytes.every((b) => b === 0);
}

async function refusal(promise: Promise<unknown>): Promise<CatalogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  return err as CatalogError;
}

describe('eraseDevice on an image file', () => {
  it('zero-fills every byte of a 64 MiB image, keeps its size, and the sampled read-back passes', async () => {
    const size = 64 * MiB + 12_345; // not a multiple of the chunk or the sample block
    const path = await randomImage('disk.img', size);
    const events: EraseProgress[] = [];
    const result = await eraseDevice(path, { onProgress: (p) => events.push(p) });

    expect((await stat(path)).size).toBe(size);
    expect(isAllZero(await readFile(path))).toBe(true);
    expect(result).toMatchObject({ path, kind: 'image-file', bytes: size, directWrites: false });
    expect(result.verification.nonZeroOffset).toBeNull();
    expect(result.verification.samples).toBe(2 + 256);
    expect(result.verification.bytesChecked).toBeGreaterThan(2 * MiB);

    const writes = events.filter((e) => e.phase === 'write');
    expect(writes.length).toBeGreaterThanOrEqual(17); // 0, then one per 4 MiB chunk
    expect(writes.map((e) => e.bytesDone)).toEqual([...writes.map((e) => e.bytesDone)].sort((a, b) => a - b));
    expect(writes.at(-1)).toMatchObject({ bytesDone: size, bytesTotal: size });
    const verifies = events.filter((e) => e.phase === 'verify');
    expect(verifies.at(-1)?.bytesDone).toBe(result.verification.bytesChecked);
  });

  it('refuses a directory with a clear message and writes nothing', async () => {
    const mounted = join(dir, 'mounted-dir');
    await mkdir(mounted);
    await writeFile(join(mounted, 'keep.txt'), 'customer data');
    const err = await refusal(eraseDevice(mounted));
    expect(err.code).toBe('InvalidParameterException');
    expect(err.params.parameter).toBe('--device');
    expect((err.details as { reason: string }).reason).toMatch(
      /a mounted directory cannot be erased: unmount it and give the device node/,
    );
    expect(await readFile(join(mounted, 'keep.txt'), 'utf8')).toBe('customer data');
  });

  it('refuses a path that does not exist, and an empty image', async () => {
    expect((await refusal(eraseTarget(join(dir, 'nope.img')))).code).toBe('InvalidParameterException');
    const empty = join(dir, 'empty.img');
    await writeFile(empty, '');
    const err = await refusal(eraseTarget(empty));
    expect((err.details as { reason: string }).reason).toMatch(/holds no bytes/);
  });

  it('stops between two chunks when interrupted, with InternalError naming the byte', async () => {
    const path = await randomImage('interrupted.img', 16 * MiB);
    const interrupt = new AbortController();
    const err = await refusal(
      eraseDevice(path, {
        signal: interrupt.signal,
        onProgress: (p) => {
          if (p.bytesDone >= 4 * MiB) interrupt.abort();
        },
      }),
    );
    expect(err.code).toBe('InternalError');
    expect((err.details as { reason: string }).reason).toMatch(/interrupted at byte 4194304 of 16777216/);
    const bytes = await readFile(path);
    expect(isAllZero(bytes.subarray(0, 4 * MiB))).toBe(true);
    expect(isAllZero(bytes.subarray(4 * MiB))).toBe(false);
  });
});

describe('verifyZeroed', () => {
  it('catches a non-zero block written after the erase', async () => {
    const size = 64 * MiB;
    const path = await randomImage('rewritten.img', size);
    await eraseDevice(path, { sampleCount: 16 });
    const target = { path, kind: 'image-file' as const, size };

    // In the last MiB, which is always read back.
    await writeAt(path, size - 5000, Buffer.from([0x5a]));
    expect((await verifyZeroed(target, { sampleCount: 0 })).nonZeroOffset).toBe(size - 5000);

    // In the middle: found when a sampled block covers it.
    await writeAt(path, size - 5000, Buffer.alloc(1));
    const middle = 30 * MiB + 4096 * 7 + 100;
    await writeAt(path, middle, Buffer.from('left behind'));
    const hit = await verifyZeroed(target, { sampleCount: 3, random: () => middle / size });
    expect(hit.nonZeroOffset).toBe(middle);
    const miss = await verifyZeroed(target, { sampleCount: 3, random: () => 0.5 });
    expect(miss).toMatchObject({ nonZeroOffset: null, samples: 5 });
  });

  it('samples the first and last MiB and 4 KiB blocks inside the device', () => {
    let n = 0;
    const regions = sampleRegions(10 * MiB + 100, 4, () => [0, 0.25, 0.999999, 0.5][n++]!);
    expect(regions[0]).toEqual({ offset: 0, length: MiB });
    expect(regions[1]).toEqual({ offset: 9 * MiB, length: MiB + 100 });
    for (const region of regions.slice(2)) {
      expect(region.offset % 4096).toBe(0);
      expect(region.offset + region.length).toBeLessThanOrEqual(10 * MiB + 100);
      expect(region.length).toBeGreaterThan(0);
    }
    expect(sampleRegions(100_000, 0, Math.random)).toEqual([{ offset: 0, length: 100_000 }]);
  });
});
