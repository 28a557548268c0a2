import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageDetails, type ObjectStore } from '../../../../src/storage/index.js';
import { connectS3, type S3Connection } from '../../../../src/storage/s3/s3-client.js';
import { s3Call } from '../../../../src/storage/s3/s3-errors.js';
import {
  ensureRadosgw,
  isRadosgwSkipped,
  openRadosgwStore,
  type RadosgwEnv,
} from '../../../helpers/radosgw.js';
import { contentMd5, expectStorageError, uniqueBucketName } from '../../../helpers/storage.js';

const MiB = 1024 * 1024;

/**
 * Errors as the real gateway answers them: each must be the server's own code (`details.s3Code`
 * set, the status it sent), not one of the adapter's checks before sending.
 */
describe('S3 adapter: error answers of a real Ceph RGW', () => {
  let env: RadosgwEnv | null = null;
  let owner: ObjectStore | null = null;
  let other: ObjectStore | null = null;
  let bucket = '';
  const store = (): ObjectStore => owner ?? expect.fail('no store');
  const stranger = (): ObjectStore => other ?? expect.fail('no store');
  const fromServer = async (promise: Promise<unknown>, code: Parameters<typeof expectStorageError>[1]) => {
    const failure = await expectStorageError(promise, code);
    expect(storageDetails(failure)?.s3Code).toBeDefined();
    return failure;
  };

  beforeAll(async () => {
    try {
      env = await ensureRadosgw();
    } catch (error) {
      if (isRadosgwSkipped(error)) return;
      throw error;
    }
    owner = await openRadosgwStore();
    other = await openRadosgwStore('other');
    bucket = uniqueBucketName('s3-errors');
    await owner.createBucket(bucket);
  });
  afterAll(async () => {
    await owner?.close();
    await other?.close();
  });
  beforeEach((context) => {
    if (env === null) context.skip();
  });

  it('answers NoSuchBucket from the server for a bucket nobody created', async () => {
    const body = Buffer.from('x');
    const missing = uniqueBucketName('missing');
    const failure = await fromServer(
      store().putObject({ bucket: missing, key: 'k', body, contentMd5: contentMd5(body) }),
      'NoSuchBucket',
    );
    expect(storageDetails(failure)).toMatchObject({ s3Code: 'NoSuchBucket', httpStatus: 404 });
    // HEAD answers carry no code: a missing object in a missing bucket is still NoSuchBucket.
    await expectStorageError(store().headObject(missing, 'k'), 'NoSuchBucket');
  });

  it('answers BadDigest from the server when the body does not match Content-MD5 (PUT and part)', async () => {
    const body = randomBytes(1000);
    const wrong = contentMd5(Buffer.from('something else'));
    await fromServer(store().putObject({ bucket, key: 'bad-digest', body, contentMd5: wrong }), 'BadDigest');
    const { uploadId } = await store().createMultipartUpload({ bucket, key: 'bad-digest-mp' });
    const part = { bucket, key: 'bad-digest-mp', uploadId, partNumber: 1, body, contentMd5: wrong };
    await fromServer(store().uploadPart(part), 'BadDigest');
    await store().abortMultipartUpload({ bucket, key: 'bad-digest-mp', uploadId });
  });

  it('answers EntityTooSmall from the server for a short part that is not the last', async () => {
    const key = 'too-small';
    const { uploadId } = await store().createMultipartUpload({ bucket, key });
    const parts = [];
    for (const [i, body] of [randomBytes(MiB), randomBytes(10)].entries()) {
      const { etag } = await store().uploadPart({
        bucket,
        key,
        uploadId,
        partNumber: i + 1,
        body,
        contentMd5: contentMd5(body),
      });
      parts.push({ partNumber: i + 1, etag });
    }
    await fromServer(store().completeMultipartUpload({ bucket, key, uploadId, parts }), 'EntityTooSmall');
    await store().abortMultipartUpload({ bucket, key, uploadId });
  });

  it("answers AccessDenied to the second user on the first user's bucket", async () => {
    const body = Buffer.from('intruder');
    await fromServer(
      stranger().putObject({ bucket, key: 'intrusion', body, contentMd5: contentMd5(body) }),
      'AccessDenied',
    );
    await fromServer(stranger().listObjects(bucket, ''), 'AccessDenied');
    // Body-less HEAD answers: the status alone says AccessDenied.
    await expectStorageError(stranger().checkBucket(bucket), 'AccessDenied');
    await expectStorageError(stranger().createBucket(bucket), 'BucketAlreadyExists');
  });

  it('answers InvalidBucketName from the server, and the adapter refuses the name before sending', async () => {
    const connection: S3Connection = connectS3({
      endpoint: env?.endpoint ?? '',
      accessKeyId: env?.accessKeyId ?? '',
      secretAccessKey: env?.secretAccessKey ?? '',
    });
    try {
      const raw = s3Call(() => connection.client.send(new CreateBucketCommand({ Bucket: 'Not_Valid' })));
      const failure = await fromServer(raw, 'InvalidBucketName');
      expect(storageDetails(failure)).toMatchObject({ s3Code: 'InvalidBucketName', httpStatus: 400 });
    } finally {
      connection.close();
    }
    const local = await expectStorageError(store().createBucket('Not_Valid'), 'InvalidBucketName');
    expect(storageDetails(local)?.s3Code).toBeUndefined();
  });

  it("maps a wrong secret to SignatureDoesNotMatch and an unknown key to the catalog's InvalidAccess Key ID", async () => {
    const body = Buffer.from('x');
    const request = { bucket, key: 'signed', body, contentMd5: contentMd5(body) };
    const wrongSecret = await openRadosgwStore('owner', { secretAccessKey: 'not-the-secret' });
    const unknownKey = await openRadosgwStore('owner', { accessKeyId: 'NOSUCHACCESSKEY00000' });
    try {
      await fromServer(wrongSecret.putObject(request), 'SignatureDoesNotMatch');
      const failure = await fromServer(unknownKey.putObject(request), 'InvalidAccess Key ID');
      expect(storageDetails(failure)?.s3Code).toBe('InvalidAccessKeyId');
    } finally {
      await wrongSecret.close();
      await unknownKey.close();
    }
  });
});
