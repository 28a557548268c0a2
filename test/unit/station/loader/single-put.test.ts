import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

function source(bytes: Buffer, size = bytes.length): ObjectSource {
  return {
    path: 'dir/file.txt',
    key: 'dir/file.txt',
    size,
    open: () => {
      throw new Error('a file read whole must not open a stream');
    },
    readAll: async () => bytes,
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

  it('a file that gives other than its size is unreadable (a 508 row), and nothing is sent', async () => {
    const { ctx, store } = await context();
    const outcome = await putSingle(ctx, source(Buffer.from('short'), 9), false, () => {});
    expect(outcome).toMatchObject({ kind: 'unreadable', error: { code: 'ESIZE', path: 'dir/file.txt' } });
    expect(store.count('PutObject')).toBe(0);
  });
});
