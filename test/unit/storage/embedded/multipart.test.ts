import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentMd5, expectStorageError, md5Hex, readAll } from '../../../helpers/storage.js';
import { useStoreRoot } from './store-fixture.js';

const BUCKET = 'multipart-test';
const MiB = 1024 * 1024;

describe('embedded multipart uploads', () => {
  const fixture = useStoreRoot();

  async function started(key: string) {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const { uploadId } = await store.createMultipartUpload({ bucket: BUCKET, key, storageClass: 'GLACIER' });
    const part = (partNumber: number, body: Buffer) =>
      store.uploadPart({ bucket: BUCKET, key, uploadId, partNumber, body, contentMd5: contentMd5(body) });
    return { store, uploadId, part };
  }

  it('completes from any subset of uploaded parts, in order, and removes the upload folder', async () => {
    const { store, uploadId, part } = await started('subset');
    const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(3)];
    const etags = [];
    for (const [i, body] of bodies.entries()) etags.push((await part(i * 2 + 1, body)).etag); // parts 1, 3, 5
    const parts = [
      { partNumber: 1, etag: etags[0]! },
      { partNumber: 5, etag: etags[2]!.replaceAll('"', '') }, // clients may send ETags without quotes
    ];
    await store.completeMultipartUpload({ bucket: BUCKET, key: 'subset', uploadId, parts });
    const stored = await readAll(await store.getObject(BUCKET, 'subset'));
    expect(md5Hex(stored)).toBe(md5Hex(Buffer.concat([bodies[0]!, bodies[2]!])));
    expect(await store.headObject(BUCKET, 'subset')).toMatchObject({
      storageClass: 'GLACIER',
      size: 5 * MiB + 3,
    });
    expect(await readdir(join(fixture.root(), BUCKET, '.uploads'))).toEqual([]);
  });

  it('treats an upload ID that is not one of its own (a path, another key) as no upload', async () => {
    const { store, uploadId, part } = await started('mine');
    await part(1, Buffer.from('x'));
    const body = Buffer.from('y');
    for (const wrongId of ['../../../etc', '..', 'short']) {
      await expectStorageError(
        store.uploadPart({
          bucket: BUCKET,
          key: 'mine',
          uploadId: wrongId,
          partNumber: 1,
          body,
          contentMd5: contentMd5(body),
        }),
        'NoSuchUpload',
      );
    }
    await expectStorageError(
      store.uploadPart({
        bucket: BUCKET,
        key: 'other',
        uploadId,
        partNumber: 1,
        body,
        contentMd5: contentMd5(body),
      }),
      'NoSuchUpload',
    );
    await store.abortMultipartUpload({ bucket: BUCKET, key: 'other', uploadId });
    expect((await store.listMultipartUploads(BUCKET, '')).map((u) => u.uploadId)).toEqual([uploadId]);
  });

  it('refuses a completion without parts and keeps the upload', async () => {
    const { store, uploadId } = await started('none');
    await expectStorageError(
      store.completeMultipartUpload({ bucket: BUCKET, key: 'none', uploadId, parts: [] }),
      'MalformedXML',
    );
    expect(await store.listMultipartUploads(BUCKET, 'none')).toHaveLength(1);
  });

  it('checks storage class and metadata when the upload starts', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    await expectStorageError(
      store.createMultipartUpload({ bucket: BUCKET, key: 'k', storageClass: 'COLD' }),
      'InvalidStorageClass',
    );
    const metadata = { big: 'x'.repeat(3000) };
    await expectStorageError(
      store.createMultipartUpload({ bucket: BUCKET, key: 'k', metadata }),
      'MetadataTooLarge',
    );
    await expectStorageError(
      store.createMultipartUpload({ bucket: BUCKET, key: 'k'.repeat(1025) }),
      'KeyTooLong',
    );
  });
});
