import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageDetails, type ObjectStore } from '../../../../src/storage/index.js';
import { connectS3 } from '../../../../src/storage/s3/s3-client.js';
import {
  ensureRadosgw,
  isRadosgwSkipped,
  openRadosgwStore,
  type RadosgwEnv,
} from '../../../helpers/radosgw.js';
import { contentMd5, expectStorageError, md5Hex, uniqueBucketName } from '../../../helpers/storage.js';

const MiB = 1024 * 1024;

/** S3's multipart ETag of these parts. */
function multipartEtag(parts: Buffer[]): string {
  const digests = parts.map((part) => createHash('md5').update(part).digest());
  return `"${md5Hex(Buffer.concat(digests))}-${parts.length}"`;
}

/** What RGW 16 does differently from S3, and how the adapter hides it. */
describe('S3 adapter: Ceph RGW 16 quirks', () => {
  let env: RadosgwEnv | null = null;
  let owner: ObjectStore | null = null;
  let bucket = '';
  const store = (): ObjectStore => owner ?? expect.fail('no store');

  /** Uploads `bodies` as parts of a new upload of `key`; returns the upload and its parts. */
  async function uploadParts(key: string, bodies: Buffer[]) {
    const { uploadId } = await store().createMultipartUpload({ bucket, key });
    const parts = [];
    for (const [i, body] of bodies.entries()) {
      const part = { bucket, key, uploadId, partNumber: i + 1, body, contentMd5: contentMd5(body) };
      parts.push({ partNumber: i + 1, etag: (await store().uploadPart(part)).etag });
    }
    return { uploadId, parts };
  }

  beforeAll(async () => {
    try {
      env = await ensureRadosgw();
    } catch (error) {
      if (isRadosgwSkipped(error)) return;
      throw error;
    }
    owner = await openRadosgwStore();
    bucket = uniqueBucketName('s3-quirks');
    await owner.createBucket(bucket);
  });
  afterAll(async () => {
    await owner?.close();
  });
  beforeEach((context) => {
    if (env === null) context.skip();
  });

  it('answers CompleteMultipartUpload with an empty ETag when called through the bare SDK', async () => {
    const { client, close } = connectS3({
      endpoint: env?.endpoint ?? '',
      accessKeyId: env?.accessKeyId ?? '',
      secretAccessKey: env?.secretAccessKey ?? '',
    });
    try {
      const body = randomBytes(1000);
      const key = 'bare-sdk';
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const part = {
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: 1,
        Body: body,
        ContentMD5: contentMd5(body),
      };
      const { ETag } = await client.send(new UploadPartCommand(part));
      const done = await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
        }),
      );
      expect(done.ETag ?? '').toBe('');
    } finally {
      close();
    }
  });

  it('gives the real multipart ETag from completeMultipartUpload all the same (through a HEAD)', async () => {
    const bodies = [randomBytes(5 * MiB), randomBytes(1234)];
    const { uploadId, parts } = await uploadParts('etag-workaround', bodies);
    const done = await store().completeMultipartUpload({ bucket, key: 'etag-workaround', uploadId, parts });
    expect(done.etag).toBe(multipartEtag(bodies));
    expect((await store().headObject(bucket, 'etag-workaround'))?.etag).toBe(done.etag);
  });

  it('answers NoSuchUpload for completing an aborted upload, where RGW answers 500', async () => {
    const { uploadId, parts } = await uploadParts('aborted', [randomBytes(100)]);
    await store().abortMultipartUpload({ bucket, key: 'aborted', uploadId });
    const failure = await expectStorageError(
      store().completeMultipartUpload({ bucket, key: 'aborted', uploadId, parts }),
      'NoSuchUpload',
    );
    expect(storageDetails(failure)?.httpStatus).toBe(404);
  });

  it('refuses parts out of order with InvalidPartOrder before sending (RGW would join them)', async () => {
    const bodies = [randomBytes(5 * MiB), randomBytes(100)];
    const { uploadId, parts } = await uploadParts('out-of-order', bodies);
    const reversed = [...parts].reverse();
    const failure = await expectStorageError(
      store().completeMultipartUpload({ bucket, key: 'out-of-order', uploadId, parts: reversed }),
      'InvalidPartOrder',
    );
    expect(storageDetails(failure)?.s3Code).toBeUndefined();
    expect(await store().headObject(bucket, 'out-of-order')).toBeNull();
    await store().abortMultipartUpload({ bucket, key: 'out-of-order', uploadId });
  });

  it('refuses a Content-MD5 that is not base64 with InvalidDigest (RGW says AccessDenied)', async () => {
    const body = Buffer.from('x');
    await expectStorageError(
      store().putObject({ bucket, key: 'md5-form', body, contentMd5: 'not base64!' }),
      'InvalidDigest',
    );
  });

  it('lists keys with spaces, plus, percent, CR and control characters exactly as they were stored', async () => {
    const keys = ['odd/a b', 'odd/a+b', 'odd/cr\rx', 'odd/ctl\u0001x', 'odd/pct%41', 'odd/é😀'];
    for (const key of keys) {
      const body = Buffer.from(key);
      await store().putObject({ bucket, key, body, contentMd5: contentMd5(body) });
    }
    const listed = await store().listObjects(bucket, 'odd/');
    const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed.objects.map((o) => o.key)).toEqual(expected);
    const after = await store().listObjects(bucket, 'odd/', 'odd/cr\rx');
    expect(after.objects.map((o) => o.key)).toEqual(expected.slice(expected.indexOf('odd/cr\rx') + 1));
  });

  it('sends the canned ACL: a public-read object is readable without credentials, a private one is not', async () => {
    const body = Buffer.from('public bytes');
    await store().putObject({
      bucket,
      key: 'public',
      body,
      contentMd5: contentMd5(body),
      acl: 'public-read',
    });
    await store().putObject({ bucket, key: 'private', body, contentMd5: contentMd5(body) });
    const publicAnswer = await fetch(`${env?.endpoint}/${bucket}/public`);
    expect(publicAnswer.status).toBe(200);
    expect(await publicAnswer.text()).toBe('public bytes');
    expect((await fetch(`${env?.endpoint}/${bucket}/private`)).status).toBe(403);
  });
});
