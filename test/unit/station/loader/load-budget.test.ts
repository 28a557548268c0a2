import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { ChunkReader } from '../../../../src/station/loader/chunk-reader.js';
import { Quota } from '../../../../src/station/loader/quota.js';
import { LoadStopped, withRetry } from '../../../../src/station/loader/retry.js';
import { partSizeFor } from '../../../../src/station/loader/index.js';
import { storageError } from '../../../../src/storage/index.js';
import type { SourceFile } from '../../devices/fat/fat-images.js';
import {
  bench,
  BUCKET,
  contentOf,
  fatImage,
  md5,
  MIB,
  noise,
  objectBytes,
  scratch,
} from './load-fixtures.js';

// Memory stays flat: the body bytes in flight (measured by the store wrapper, from the request's
// arrival to its answer) never exceed the budget, however many big files and uploads overlap.
// Plus the building blocks: the FIFO quota, exact-size reads, the retry loop and part sizes.

const space = scratch('loader-budget-');
const tree: Record<string, SourceFile> = {};
let image: string;

beforeAll(() => {
  for (let i = 0; i < 4; i++) tree[`big/f${i}.bin`] = { content: noise(11 * MIB + i * 4096, 50 + i) };
  for (let i = 0; i < 24; i++)
    tree[`mid/m${String(i).padStart(2, '0')}.bin`] = { content: noise(900_000 + i * 1000, 80 + i) };
  image = fatImage(space.dir, tree, 96 * 1024);
});
afterAll(() => space.remove());

describe('the in-flight byte budget', () => {
  it('is never exceeded while big and small uploads overlap', async () => {
    const b = await bench(join(space.dir, 'run'), image);
    b.store.delayMs = 15;
    const budget = 12 * MIB;
    const summary = await b.load({ maxInFlightBytes: budget, partSize: 5 * MIB, concurrency: 6 });
    expect(summary).toMatchObject({ outcome: 'finished', errors: 0, files: Object.keys(tree).length });
    expect(b.store.peakInFlightBytes).toBeLessThanOrEqual(budget);
    expect(b.store.peakInFlightBytes).toBeGreaterThan(5 * MIB); // uploads did overlap
    expect(b.store.count('UploadPart')).toBe(12);
    for (const [path, file] of Object.entries(tree)) {
      expect(md5(await objectBytes(b.store, BUCKET, `disk/${path}`)), path).toBe(md5(contentOf(file)));
    }
  });
});

describe('uploads at once', () => {
  it("follow the store's uploadConcurrency unless the load sets its own", async () => {
    // Small files only: one request each (a multipart file has several requests in one slot).
    const small: Record<string, SourceFile> = {};
    for (let i = 0; i < 16; i++) small[`s/f${i}.bin`] = { content: noise(3000 + i, 200 + i) };
    const smallImage = fatImage(join(space.dir, 'small'), small);
    const asked = await bench(join(space.dir, 'store-asks'), smallImage);
    asked.store.delayMs = 15;
    asked.store.uploadConcurrency = 3;
    await asked.load();
    expect(asked.store.count('PutObject')).toBe(17); // the files and the import log
    expect(asked.store.peakInFlightRequests).toBe(3);

    const set = await bench(join(space.dir, 'load-sets'), smallImage);
    set.store.delayMs = 15;
    set.store.uploadConcurrency = 3;
    await set.load({ concurrency: 5 });
    expect(set.store.peakInFlightRequests).toBe(5);
  });
});

describe('Quota', () => {
  it('serves waiters in order and lets an oversized request through alone', async () => {
    const quota = new Quota(10);
    const order: string[] = [];
    await quota.acquire(6);
    const big = quota.acquire(25).then(() => order.push('big'));
    const small = quota.acquire(1).then(() => order.push('small'));
    await Promise.resolve();
    expect(order).toEqual([]); // the small one waits behind the big one
    quota.release(6);
    await big;
    expect(quota.inUse).toBe(25);
    quota.release(25);
    await small;
    expect(order).toEqual(['big', 'small']);
    expect(quota.peak).toBe(25);
  });
});

describe('ChunkReader', () => {
  it('cuts a stream of odd chunks into exact pieces with their MD5s and the whole MD5', async () => {
    const bytes = noise(10_000, 3);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 4100), bytes.subarray(4100)];
    let seen = 0;
    const reader = new ChunkReader(Readable.from(chunks), (n) => (seen += n));
    const a = await reader.next(4096);
    const b = await reader.next(4096);
    const c = await reader.next(4096);
    expect([a.body.length, b.body.length, c.body.length]).toEqual([4096, 4096, 1808]);
    expect(b.md5.toString('hex')).toBe(md5(bytes.subarray(4096, 8192)));
    expect(await reader.atEnd()).toBe(true);
    expect(reader.wholeMd5Hex()).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(seen).toBe(10_000);
  });
});

describe('withRetry', () => {
  const policy = { attempts: 3, baseMs: 1, maxMs: 2 };
  const never = new AbortController().signal;

  it('retries SlowDown and BadDigest up to the attempts, not AccessDenied', async () => {
    let tries = 0;
    const slow = withRetry(
      async () => {
        tries += 1;
        throw storageError('SlowDown', 503);
      },
      policy,
      never,
    );
    await expect(slow).rejects.toMatchObject({ code: 'SlowDown' });
    expect(tries).toBe(3);
    tries = 0;
    const denied = withRetry(
      async () => {
        tries += 1;
        throw storageError('AccessDenied', 403);
      },
      policy,
      never,
    );
    await expect(denied).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(tries).toBe(1);
    let digest = 0;
    expect(
      await withRetry(
        async () => (++digest < 2 ? Promise.reject(storageError('BadDigest', 400)) : 'ok'),
        policy,
        never,
      ),
    ).toBe('ok');
  });

  it('gives up with LoadStopped when the load stops during a pause', async () => {
    const stop = new AbortController();
    const slow = withRetry(
      async () => {
        setTimeout(() => stop.abort(), 1);
        throw storageError('InternalError', 500);
      },
      { attempts: 5, baseMs: 10_000, maxMs: 10_000 },
      stop.signal,
    );
    await expect(slow).rejects.toBeInstanceOf(LoadStopped);
  });
});

describe('partSizeFor', () => {
  it('keeps the configured size, and grows it in MiB so a file has at most 10000 parts', () => {
    expect(partSizeFor(100 * MIB, 16 * MIB)).toBe(16 * MIB);
    const huge = 5 * 1024 ** 4;
    const size = partSizeFor(huge, 16 * MIB);
    expect(size % MIB).toBe(0);
    expect(Math.ceil(huge / size)).toBeLessThanOrEqual(10_000);
  });
});
