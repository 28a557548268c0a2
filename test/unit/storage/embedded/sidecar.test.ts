import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { keyHash } from '../../../../src/storage/embedded/layout.js';
import { newRecord, parseRecord, toStored } from '../../../../src/storage/embedded/sidecar.js';
import { STORAGE_CLASSES } from '../../../../src/storage/index.js';
import { contentMd5, expectStorageError } from '../../../helpers/storage.js';
import { filesOf, putBytes, useStoreRoot } from './store-fixture.js';

const BUCKET = 'sidecar-test';
const ETAG = '"5d41402abc4b2a76b9719d911017c592"';

describe('embedded sidecars', () => {
  const fixture = useStoreRoot();
  const good = () => newRecord('dir/file.txt', 5, ETAG, { contentType: 'text/plain', metadata: { a: 'b' } });

  it('round-trips a record and keeps only header fields', () => {
    const record = newRecord('k', 1, ETAG, {
      contentType: 'x/y',
      storageClass: 'STANDARD',
      bucket: 'b',
      body: 1,
    } as never);
    expect(record.headers).toEqual({ contentType: 'x/y', storageClass: 'STANDARD' });
    expect(parseRecord(JSON.stringify(record), keyHash('k'))).toEqual(record);
    expect(toStored(record)).toMatchObject({
      key: 'k',
      size: 1,
      etag: ETAG,
      contentType: 'x/y',
      metadata: {},
    });
  });

  it('refuses text that is not a whole, well-formed record of its own key', () => {
    const hash = keyHash('dir/file.txt');
    const text = JSON.stringify(good());
    expect(parseRecord(text, hash)).not.toBeNull();
    expect(parseRecord(text.slice(0, -10), hash)).toBeNull(); // cut short
    expect(parseRecord(text, keyHash('another/key'))).toBeNull(); // filed under another key
    const broken: Record<string, unknown>[] = [
      { size: -1 },
      { size: 1.5 },
      { size: '5' },
      { etag: 'no-quotes' },
      { etag: '"XYZ"' },
      { lastModified: 'yesterday' },
      { metadata: { a: 1 } },
      { headers: [] },
      { format: 2 },
    ];
    for (const change of broken)
      expect(parseRecord(JSON.stringify({ ...good(), ...change }), hash), JSON.stringify(change)).toBeNull();
  });

  it('treats an object with a damaged sidecar as absent', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    await putBytes(store, BUCKET, 'doc', Buffer.from('hello'));
    const { sidecar } = filesOf(fixture.root(), BUCKET, 'doc');
    const text = await readFile(sidecar, 'utf8');
    await writeFile(sidecar, text.replace('"size":5', '"size":6'));
    expect(await store.headObject(BUCKET, 'doc')).toBeNull();
    await writeFile(sidecar, '{"format":1,');
    expect(await store.headObject(BUCKET, 'doc')).toBeNull();
    await expectStorageError(store.getObject(BUCKET, 'doc'), 'NoSuchKey');
    await writeFile(sidecar, text);
    expect((await store.headObject(BUCKET, 'doc'))?.size).toBe(5);
  });

  it('keeps every storage class S3 knows, and the ACL', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const body = Buffer.from('x');
    for (const storageClass of STORAGE_CLASSES) {
      const acl = 'bucket-owner-full-control';
      await store.putObject({
        bucket: BUCKET,
        key: storageClass,
        body,
        contentMd5: contentMd5(body),
        storageClass,
        acl,
      });
      expect(await store.headObject(BUCKET, storageClass)).toMatchObject({ storageClass, acl });
    }
  });
});
