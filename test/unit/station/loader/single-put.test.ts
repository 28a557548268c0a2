import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileChunks } from '../../../../src/devices/chunk-pool.js';
import { putSingle } from '../../../../src/station/loader/single-put.js';
import type { ObjectSource, UploadContext } from '../../../../src/station/loader/upload-context.js';
import { openEmbeddedStore } from '../../../../src/storage/index.js';
import { FaultyStore } from './faulty-store.js';
import { uploadContext } from './upload-fixture.js';

// A single PUT reads a small file in one call when the device reader can (DeviceReader.readWhole,
// the ObjectSource's readAll), instead of opening a stream per file.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'single-put-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function context(): Promise<{ ctx: UploadContext; store: FaultyStore }> {
  const store = new FaultyStore(await openEmbeddedStore(join(dir, 'objects')));
  await store.createBucket('import');
  return { ctx: uploadContext(store, 'import', 2), store };
}

function source(bytes: Buffer, size = bytes.length, pieces?: Buffer[]): ObjectSource {
  return {
    path: 'dir/file.txt',
    key: 'dir/file.txt',
    size,
    open: () => {
      throw new Error('a file read whole must not open a stream');
    },
    readAll: async () => pieces ?? [bytes.subarray(0, 3), bytes.subarray(3)],
    headersFor: () => ({ contentType: 'text/plain' }),
  };
}

describe('putSingle with readAll', () => {
  it('reads the file in one call, sends it with its MD5 and stores it', async () => {
    const { ctx, store } = await context();
    const bytes = Buffer.from('hello, world\n');
    let readDone = 0;
    const outcome = await putSingle(ctx, source(bytes), false, () => (readDone += 1));
    const md5Hex = createHash('md5').update(bytes).digest('hex');
    expect(outcome).toEqual({ kind: 'stored', md5Hex, bytes: 13, contentType: 'text/plain', uploaded: true });
    expect(readDone).toBe(1);
    expect((await store.headObject('import', 'dir/file.txt'))?.etag).toBe(`"${md5Hex}"`);
  });

  it('leaves the MD5 to a store that hashes bodies: no Content-MD5, its ETag is the MD5 logged', async () => {
    const { ctx, store } = await context();
    store.hashesBodies = true;
    const bytes = Buffer.from('hashed by the store\n');
    const outcome = await putSingle(ctx, source(bytes), false, () => {});
    const md5Hex = createHash('md5').update(bytes).digest('hex');
    expect(outcome).toMatchObject({ kind: 'stored', md5Hex, uploaded: true });
    expect(store.calls).toEqual([expect.objectContaining({ op: 'PutObject', unclaimed: true })]);
    expect((await store.headObject('import', 'dir/file.txt'))?.etag).toBe(`"${md5Hex}"`);
  });

  it('hashes the file itself for such a store when resuming, to compare with what is there', async () => {
    const { ctx, store } = await context();
    store.hashesBodies = true;
    const bytes = Buffer.from('already there\n');
    await putSingle(ctx, source(bytes), false, () => {});
    const outcome = await putSingle(ctx, source(bytes), true, () => {});
    expect(outcome).toMatchObject({ kind: 'stored', uploaded: false });
    expect(store.count('PutObject')).toBe(1);
  });

  it('such a store answering an ETag that is no MD5 gives an InternalError row with the MD5 of the file', async () => {
    const { ctx, store } = await context();
    store.hashesBodies = true;
    store.inject('no-etag', (c) => c.op === 'PutObject');
    const bytes = Buffer.from('no answer\n');
    const outcome = await putSingle(ctx, source(bytes), false, () => {});
    const md5Hex = createHash('md5').update(bytes).digest('hex');
    expect(outcome).toMatchObject({ kind: 'refused', code: 'InternalError', md5Hex });
  });

  it('a file that gives other than its size is unreadable (a 508 row), and nothing is sent', async () => {
    const { ctx, store } = await context();
    const outcome = await putSingle(ctx, source(Buffer.from('short'), 9), false, () => {});
    expect(outcome).toMatchObject({ kind: 'unreadable', error: { code: 'ESIZE', path: 'dir/file.txt' } });
    expect(store.count('PutObject')).toBe(0);
  });

  it('gives the pieces back once stored: views lent by a read-ahead block let it return to the pool', async () => {
    const { ctx, store } = await context();
    while (fileChunks.kept > 0) fileChunks.take();
    const block = fileChunks.take();
    block.write('hello, world\n', 1000);
    const pieces = [fileChunks.lend(block, 1000, 1006), fileChunks.lend(block, 1006, 1013)];
    fileChunks.retire(block); // the read-ahead dropped it while the file was being sent
    const outcome = await putSingle(ctx, source(Buffer.from('hello, world\n'), 13, pieces), false, () => {});
    expect(outcome).toMatchObject({ kind: 'stored', bytes: 13 });
    expect(fileChunks.kept).toBe(1);
    expect(fileChunks.take()).toBe(block);
    expect(store.count('PutObject')).toBe(1);
  });

  it('a PUT that fails keeps its pieces: their block never returns to the pool', async () => {
    const { ctx, store } = await context();
    while (fileChunks.kept > 0) fileChunks.take();
    const block = fileChunks.take();
    block.write('hello, world\n', 0);
    const pieces = [fileChunks.lend(block, 0, 13)];
    fileChunks.retire(block);
    store.inject('deny', (c) => c.op === 'PutObject');
    const outcome = await putSingle(ctx, source(Buffer.from('hello, world\n'), 13, pieces), false, () => {});
    expect(outcome.kind).not.toBe('stored');
    expect(fileChunks.kept).toBe(0);
  });
});
