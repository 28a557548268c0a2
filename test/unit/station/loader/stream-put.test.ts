import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { putStreamed, streams } from '../../../../src/station/loader/stream-put.js';
import type { ObjectSource, UploadContext } from '../../../../src/station/loader/upload-context.js';
import { openEmbeddedStore } from '../../../../src/storage/index.js';
import { FaultyStore } from './faulty-store.js';
import { uploadContext } from './upload-fixture.js';

// A file above singlePutMax goes as one streamed PUT to a store that takes them: sent as it is
// read, then checked by the ETag the store answers against the MD5 taken on the way. The store is
// the embedded one behind FaultyStore (fault injection: damaged bodies, 503s, odd ETags).

const MiB = 1024 * 1024;
const KEY = 'big/file.bin';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stream-put-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function context(): Promise<{ ctx: UploadContext; store: FaultyStore; warnings: string[] }> {
  const store = new FaultyStore(await openEmbeddedStore(join(dir, 'objects'))).takeStreams();
  await store.createBucket('import');
  const warnings: string[] = [];
  const ctx = uploadContext(store, 'import', 3);
  const progress = ctx.progress;
  const send = progress.send.bind(progress);
  progress.send = (event) => {
    if (event.type === 'warning') warnings.push(event.message);
    send(event);
  };
  return { ctx, store, warnings };
}

/**
 * A file of `bytes` read in 1 MiB chunks; `failAt`: the chunk whose read fails instead, with
 * ETIMEDOUT (a USB bridge that timed out: an errno a network failure has too).
 */
function source(
  bytes: Buffer,
  options: { size?: number; failAt?: number } = {},
): ObjectSource & { opened: number } {
  const src = {
    opened: 0,
    path: KEY,
    key: KEY,
    size: options.size ?? bytes.length,
    open: () => {
      src.opened += 1;
      return Readable.from(chunksOf(bytes, options.failAt), { objectMode: false });
    },
    headersFor: () => ({ contentType: 'application/octet-stream' }),
  };
  return src;
}

async function* chunksOf(bytes: Buffer, failAt?: number): AsyncGenerator<Buffer> {
  for (let at = 0, index = 0; at < bytes.length; at += MiB, index++) {
    if (index === failAt) {
      throw new DeviceReadError({
        code: 'ETIMEDOUT',
        operation: 'read',
        path: KEY,
        scope: 'file',
        offset: at,
      });
    }
    yield Buffer.from(bytes.subarray(at, at + MiB));
  }
}

const md5Of = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

describe('putStreamed', () => {
  it('sends the file as one streamed PUT and logs the MD5 the store answered as its ETag', async () => {
    const { ctx, store } = await context();
    const bytes = randomBytes(3 * MiB + 100);
    let readDone = 0;
    const outcome = await putStreamed(ctx, source(bytes), false, () => (readDone += 1));
    const md5Hex = md5Of(bytes);
    expect(outcome).toEqual({
      kind: 'stored',
      md5Hex,
      bytes: bytes.length,
      contentType: 'application/octet-stream',
      uploaded: true,
    });
    expect(store.calls).toEqual([{ op: 'PutObject', key: KEY, bytes: bytes.length, streamed: true }]);
    expect(readDone).toBe(1);
    expect(ctx.budget.inUse).toBe(0);
    expect((await store.headObject('import', KEY))?.etag).toBe(`"${md5Hex}"`);
  });

  it('sends the file again when the stored bytes differ from those read (damaged on the way)', async () => {
    const { ctx, store } = await context();
    const bytes = randomBytes(2 * MiB);
    store.inject('corrupt', (c) => c.op === 'PutObject', 1);
    const src = source(bytes);
    const outcome = await putStreamed(ctx, src, false, () => {});
    expect(outcome).toMatchObject({ kind: 'stored', md5Hex: md5Of(bytes) });
    expect([store.count('PutObject'), src.opened]).toEqual([2, 2]);
    expect((await store.headObject('import', KEY))?.etag).toBe(`"${md5Of(bytes)}"`);
  });

  it('gives a BadDigest row and deletes the object when every try stores other bytes', async () => {
    const { ctx, store } = await context();
    const bytes = randomBytes(2 * MiB);
    store.inject('corrupt', (c) => c.op === 'PutObject');
    const outcome = await putStreamed(ctx, source(bytes), false, () => {});
    expect(outcome).toMatchObject({ kind: 'refused', code: 'BadDigest', md5Hex: md5Of(bytes) });
    expect(store.count('PutObject')).toBe(3);
    expect(await store.headObject('import', KEY)).toBeNull();
  });

  it('retries a 503 SlowDown, reading the file again', async () => {
    const { ctx, store } = await context();
    const bytes = randomBytes(MiB + 1);
    store.inject('slowdown', (c) => c.op === 'PutObject', 2);
    const src = source(bytes);
    expect(await putStreamed(ctx, src, false, () => {})).toMatchObject({ kind: 'stored', uploaded: true });
    expect([store.count('PutObject'), src.opened]).toEqual([3, 3]);
  });

  it('gives a ReadError outcome for an unreadable chunk, without a second try and with nothing stored', async () => {
    const { ctx, store } = await context();
    const outcome = await putStreamed(ctx, source(randomBytes(3 * MiB), { failAt: 1 }), false, () => {});
    expect(outcome).toMatchObject({ kind: 'unreadable', error: { code: 'ETIMEDOUT', offset: MiB } });
    expect(store.count('PutObject')).toBe(1);
    expect(await store.headObject('import', KEY)).toBeNull();
    expect(ctx.budget.inUse).toBe(0);
  });

  it('gives a ReadError outcome when the file ends before its size, with nothing stored', async () => {
    const { ctx, store } = await context();
    const outcome = await putStreamed(ctx, source(randomBytes(2 * MiB), { size: 3 * MiB }), false, () => {});
    expect(outcome).toMatchObject({ kind: 'unreadable', error: { code: 'ESIZE' } });
    expect(await store.headObject('import', KEY)).toBeNull();
  });

  it('sends the file in parts, and later ones too, when the store answers ETags that are not MD5s', async () => {
    const { ctx, store, warnings } = await context();
    store.inject('opaque-etag', (c) => c.op === 'PutObject' && c.streamed === true);
    const bytes = randomBytes(6 * MiB);
    const outcome = await putStreamed(ctx, source(bytes), false, () => {});
    expect(outcome).toMatchObject({ kind: 'stored', md5Hex: md5Of(bytes), uploaded: true });
    expect([store.count('PutObject'), store.count('UploadPart')]).toEqual([1, 1]);
    expect(warnings).toEqual([expect.stringContaining('large files go as multipart uploads')]);
    expect(streams(ctx, 6 * MiB)).toBe(false);
  });

  it('deletes the unchecked streamed object when sending it in parts fails too', async () => {
    const { ctx, store } = await context();
    store.inject('opaque-etag', (c) => c.op === 'PutObject' && c.streamed === true);
    store.inject('deny', (c) => c.op === 'UploadPart');
    const outcome = await putStreamed(ctx, source(randomBytes(6 * MiB)), false, () => {});
    expect(outcome).toMatchObject({ kind: 'refused', code: 'AccessDenied' });
    expect(await store.headObject('import', KEY)).toBeNull();
  });

  it('does not hash the file for a store that hashes bodies in this process: its ETag is the MD5 logged', async () => {
    const { ctx, store } = await context();
    store.hashesBodies = true;
    // A body damaged between the loader and the store shows it: the store's MD5 is taken as is.
    store.inject('corrupt', (c) => c.op === 'PutObject', 1);
    const bytes = randomBytes(2 * MiB);
    const outcome = await putStreamed(ctx, source(bytes), false, () => {});
    const stored = await store.headObject('import', KEY);
    expect(outcome).toMatchObject({ kind: 'stored', md5Hex: stored?.etag.slice(1, -1), uploaded: true });
    expect(stored?.etag).not.toBe(`"${md5Of(bytes)}"`);
    expect(store.count('PutObject')).toBe(1);
  });

  it('keeps an object a resumed load finds with the same size, MD5 and headers, sending nothing', async () => {
    const { ctx, store } = await context();
    const bytes = randomBytes(2 * MiB + 5);
    await putStreamed(ctx, source(bytes), false, () => {});
    const outcome = await putStreamed(ctx, source(bytes), true, () => {});
    expect(outcome).toMatchObject({ kind: 'stored', md5Hex: md5Of(bytes), uploaded: false });
    expect(store.count('PutObject')).toBe(1);
    const changed = Buffer.from(bytes);
    changed[7] = changed[7]! ^ 1;
    expect(await putStreamed(ctx, source(changed), true, () => {})).toMatchObject({ uploaded: true });
    expect(store.count('PutObject')).toBe(2);
  });
});

describe('streams', () => {
  it('is true up to streamPutMax for a store that takes streamed PUTs, never for one that does not', async () => {
    const { ctx } = await context();
    expect(streams(ctx, ctx.settings.streamPutMax)).toBe(true);
    expect(streams(ctx, ctx.settings.streamPutMax + 1)).toBe(false);
    const plain = new FaultyStore(await openEmbeddedStore(join(dir, 'plain')));
    expect(streams(uploadContext(plain, 'import'), MiB)).toBe(false);
  });
});
