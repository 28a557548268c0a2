import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportManifest } from '../../../../src/manifest/index.js';
import { FilePartReader } from '../../../../src/station/loader/file-part-reader.js';
import { uploadImportLog } from '../../../../src/station/loader/log-upload.js';
import { openEmbeddedStore, type ObjectStore } from '../../../../src/storage/index.js';
import { FaultyStore } from './faulty-store.js';
import { uploadContext } from './upload-fixture.js';

// The import log goes up in parts of 8 MiB read into one reused buffer (FilePartReader): these
// tests check that the stored log is the local one byte for byte, also when parts are retried.

const MIB = 1024 * 1024;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-upload-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const contextFor = (store: ObjectStore) => uploadContext(store, 'import');

const manifest = { logBucket: 'logs', logPrefix: 'runs/' } as ImportManifest;

async function storedLog(store: ObjectStore): Promise<Buffer> {
  return buffer(await store.getObject('logs', 'runs/import-log-JOB.csv'));
}

describe('uploadImportLog', () => {
  it('stores a log of several parts byte for byte, in parts of 8 MiB', async () => {
    const log = randomBytes(20 * MIB + 123);
    writeFileSync(join(dir, 'log.csv'), log);
    const store = new FaultyStore(await openEmbeddedStore(join(dir, 'objects')));
    await store.createBucket('logs');
    const where = await uploadImportLog(contextFor(store), manifest, 'JOB', join(dir, 'log.csv'));
    expect(where).toMatchObject({ bucket: 'logs', key: 'runs/import-log-JOB.csv' });
    expect((await storedLog(store)).equals(log)).toBe(true);
    const parts = store.calls.filter((call) => call.op === 'UploadPart').map((call) => call.bytes);
    expect(parts).toEqual([8 * MIB, 8 * MIB, 4 * MIB + 123]);
    expect(store.peakInFlightBytes).toBeLessThanOrEqual(8 * MIB);
  });

  it('sends the same bytes again when a part is retried', async () => {
    const log = randomBytes(17 * MIB);
    writeFileSync(join(dir, 'log.csv'), log);
    const store = new FaultyStore(await openEmbeddedStore(join(dir, 'objects')));
    await store.createBucket('logs');
    store.inject('corrupt', (call) => call.op === 'UploadPart' && call.partNumber === 2, 1);
    store.inject('slowdown', (call) => call.op === 'UploadPart' && call.partNumber === 3, 2);
    await uploadImportLog(contextFor(store), manifest, 'JOB', join(dir, 'log.csv'));
    expect((await storedLog(store)).equals(log)).toBe(true);
    expect(store.count('UploadPart')).toBe(6);
  });

  it('sends a small log as one PUT', async () => {
    const log = Buffer.from('Filename,Key\nSIGNATURE,\n');
    writeFileSync(join(dir, 'log.csv'), log);
    const store = new FaultyStore(await openEmbeddedStore(join(dir, 'objects')));
    await store.createBucket('logs');
    await uploadImportLog(contextFor(store), manifest, 'JOB', join(dir, 'log.csv'));
    expect((await storedLog(store)).equals(log)).toBe(true);
    expect(store.count('PutObject')).toBe(1);
  });
});

describe('FilePartReader', () => {
  it('reads every part into the same buffer and hashes the whole file', async () => {
    const bytes = randomBytes(5 * MIB + 10);
    writeFileSync(join(dir, 'f'), bytes);
    const reader = new FilePartReader(join(dir, 'f'), 2 * MIB);
    const parts: Buffer[] = [];
    const copies: Buffer[] = [];
    while (!(await reader.atEnd())) {
      const [part] = await reader.nextChunks(2 * MIB);
      parts.push(part!);
      copies.push(Buffer.from(part!));
    }
    await reader.close();
    expect(copies.map((part) => part.length)).toEqual([2 * MIB, 2 * MIB, MIB + 10]);
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(new Set(parts.map((part) => part.buffer)).size).toBe(1);
    expect(reader.wholeMd5Hex()).toBe(createHash('md5').update(bytes).digest('hex'));
  });

  it('refuses a part larger than its buffer', async () => {
    writeFileSync(join(dir, 'f'), 'abc');
    const reader = new FilePartReader(join(dir, 'f'), 5);
    await expect(reader.nextChunks(6)).rejects.toThrow(RangeError);
    await reader.close();
  });
});
