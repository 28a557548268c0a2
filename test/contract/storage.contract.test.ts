import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3_LIMITS, type ObjectStore } from '../../src/storage/index.js';
import {
  bodyClaimingLength,
  contentMd5,
  expectStorageError,
  md5Hex,
  readAll,
  storeFactories,
  uniqueBucketName,
} from '../helpers/storage.js';

const MiB = 1024 * 1024;

/** S3's multipart ETag, computed here on its own: MD5 of the parts' binary MD5s, `-` and the count. */
function expectedMultipartEtag(parts: Buffer[]): string {
  const digests = Buffer.concat(parts.map((part) => Buffer.from(md5Hex(part), 'hex')));
  return `"${md5Hex(digests)}-${parts.length}"`;
}

/** A streamed body of these chunks, given one at a time as a device reader gives them. */
async function* fromChunks(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

/** Keys in S3's order: by their UTF-8 bytes. */
function byUtf8(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

describe.each(storeFactories())('ObjectStore contract: $name', (factory) => {
  let opened: ObjectStore | null = null;
  let bucket = '';
  const store = (): ObjectStore => {
    if (opened === null) throw new Error('store not opened');
    return opened;
  };
  const put = (key: string, body: Buffer, extra: Record<string, unknown> = {}) =>
    store().putObject({ bucket, key, body, contentMd5: contentMd5(body), ...extra });

  beforeAll(async () => {
    opened = await factory.open();
    bucket = uniqueBucketName('contract');
    await opened?.createBucket(bucket);
  });
  afterAll(async () => {
    await opened?.close();
  });
  beforeEach((context) => {
    if (opened === null) context.skip();
  });

  describe('buckets', () => {
    it('creates a bucket, adopts it when created again, and checks it', async () => {
      const name = uniqueBucketName('twice');
      await store().createBucket(name);
      await store().createBucket(name);
      await expect(store().checkBucket(name)).resolves.toBeUndefined();
    });

    it('accepts names at the edges of the naming rules', async () => {
      const suffix = randomBytes(3).toString('hex');
      for (const name of [`a${suffix}`, `${suffix}.b-c`, `x${suffix}`.padEnd(63, '9'), `1.2.${suffix}`]) {
        await store().createBucket(name);
        await store().checkBucket(name);
      }
    });

    it.each([
      'ab',
      'a'.repeat(64),
      'Upper-case',
      'under_score',
      '-starts-with-dash',
      'ends-with-dash-',
      '.starts-with-dot',
      'two..dots',
      'dot.-dash',
      'dash-.dot',
      '192.168.5.4',
      'spa ce',
    ])('refuses the bucket name %j with InvalidBucketName', async (name) => {
      await expectStorageError(store().createBucket(name), 'InvalidBucketName');
    });

    it('answers NoSuchBucket for a bucket that does not exist', async () => {
      const missing = uniqueBucketName('missing');
      const body = Buffer.from('x');
      await expectStorageError(store().checkBucket(missing), 'NoSuchBucket');
      await expectStorageError(
        store().putObject({ bucket: missing, key: 'k', body, contentMd5: contentMd5(body) }),
        'NoSuchBucket',
      );
      await expectStorageError(store().getObject(missing, 'k'), 'NoSuchBucket');
      await expectStorageError(store().listObjects(missing, ''), 'NoSuchBucket');
    });
  });

  describe('single objects', () => {
    it('keeps the bytes, ETag, headers and metadata of a PUT', async () => {
      const body = randomBytes(70_000);
      const headers = {
        contentType: 'text/plain; charset=utf-8',
        contentEncoding: 'identity',
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment; filename="r.txt"',
        contentLanguage: 'fr',
        expires: 'Thu, 01 Dec 2044 16:00:00 GMT',
        metadata: { 'import-job': 'ABCDE', 'source-path': '/dir/r.txt' },
      };
      const { etag } = await put('round/trip.txt', body, headers);
      expect(etag).toBe(`"${md5Hex(body)}"`);
      const head = await store().headObject(bucket, 'round/trip.txt');
      expect(head).toMatchObject({ key: 'round/trip.txt', size: body.length, etag, ...headers });
      expect(Math.abs((head?.lastModified.getTime() ?? 0) - Date.now())).toBeLessThan(120_000);
      expect(await readAll(await store().getObject(bucket, 'round/trip.txt'))).toEqual(body);
    });

    it('stores an empty object', async () => {
      const { etag } = await put('empty', Buffer.alloc(0));
      expect(etag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
      expect(await store().headObject(bucket, 'empty')).toMatchObject({ size: 0, etag });
      expect(await readAll(await store().getObject(bucket, 'empty'))).toHaveLength(0);
    });

    it('computes the MD5 of a PUT without Content-MD5 and answers it as the ETag', async () => {
      const body = randomBytes(100_000);
      const pieces = [body.subarray(0, 40_000), body.subarray(40_000)];
      const { etag } = await store().putObject({ bucket, key: 'unclaimed', body: pieces });
      expect(etag).toBe(`"${md5Hex(body)}"`);
      expect(await store().headObject(bucket, 'unclaimed')).toMatchObject({ size: 100_000, etag });
      expect(await readAll(await store().getObject(bucket, 'unclaimed'))).toEqual(body);
    });

    it('stores a streamed PUT as its body comes and answers the MD5 of the bytes as the ETag', async () => {
      const body = randomBytes(3 * MiB + 12_345);
      const chunks = [body.subarray(0, MiB), body.subarray(MiB, 2 * MiB), body.subarray(2 * MiB)];
      const sent: Buffer[] = [];
      const input = { bucket, key: 'streamed', size: body.length, contentType: 'application/x-test' };
      const { etag } = await store().putObjectStream!({
        ...input,
        body: fromChunks(chunks),
        sent: (c) => sent.push(c),
      });
      expect(etag).toBe(`"${md5Hex(body)}"`);
      expect(sent).toEqual(chunks);
      const stored = await store().headObject(bucket, 'streamed');
      expect(stored).toMatchObject({ size: body.length, etag, contentType: 'application/x-test' });
      expect(await readAll(await store().getObject(bucket, 'streamed'))).toEqual(body);
    });

    it('stores nothing when a streamed body fails before its end, and keeps the object it would replace', async () => {
      await put('streamed-failing', Buffer.from('the version before'));
      const failure = new Error('unreadable sector');
      async function* failing(): AsyncGenerator<Buffer> {
        yield randomBytes(MiB);
        throw failure;
      }
      const input = { bucket, key: 'streamed-failing', size: 2 * MiB, body: failing() };
      await expect(store().putObjectStream!(input)).rejects.toBeDefined();
      await expect(
        store().putObjectStream!({ ...input, key: 'streamed-new', body: failing() }),
      ).rejects.toBeDefined();
      expect((await readAll(await store().getObject(bucket, 'streamed-failing'))).toString()).toBe(
        'the version before',
      );
      expect(await store().headObject(bucket, 'streamed-new')).toBeNull();
    });

    it('answers NoSuchBucket to a streamed PUT into a missing bucket, and goes on with the next', async () => {
      const body = randomBytes(2 * MiB);
      const missing = { bucket: uniqueBucketName('missing'), key: 'k', size: body.length };
      await expectStorageError(
        store().putObjectStream!({ ...missing, body: fromChunks([body]) }),
        'NoSuchBucket',
      );
      const next = { bucket, key: 'after-missing', size: body.length, body: fromChunks([body]) };
      expect((await store().putObjectStream!(next)).etag).toBe(`"${md5Hex(body)}"`);
    });

    it('shows the last of two PUTs to one key, never a mix', async () => {
      await put('overwrite', Buffer.from('first version, longer than the second'));
      await put('overwrite', Buffer.from('second'));
      expect((await readAll(await store().getObject(bucket, 'overwrite'))).toString()).toBe('second');
      const [a, b] = [randomBytes(300_000), randomBytes(200_000)];
      await Promise.all([put('race', a), put('race', b)]);
      const stored = await readAll(await store().getObject(bucket, 'race'));
      expect([md5Hex(a), md5Hex(b)]).toContain(md5Hex(stored));
      expect((await store().headObject(bucket, 'race'))?.etag).toBe(`"${md5Hex(stored)}"`);
    });

    it('answers null on HEAD and NoSuchKey on GET for a missing key', async () => {
      expect(await store().headObject(bucket, 'no/such/key')).toBeNull();
      await expectStorageError(store().getObject(bucket, 'no/such/key'), 'NoSuchKey');
    });

    it('deletes idempotently', async () => {
      await put('doomed', Buffer.from('bye'));
      await store().deleteObject(bucket, 'doomed');
      expect(await store().headObject(bucket, 'doomed')).toBeNull();
      await expect(store().deleteObject(bucket, 'doomed')).resolves.toBeUndefined();
      await expect(store().deleteObject(bucket, 'never-was')).resolves.toBeUndefined();
    });

    it('accepts a key of 1024 UTF-8 bytes, refuses 1025 with KeyTooLong and an empty key with InvalidArgument', async () => {
      const longest = 'é'.repeat(512);
      await put(longest, Buffer.from('x'));
      expect((await store().headObject(bucket, longest))?.key).toBe(longest);
      await expectStorageError(put(`${longest}a`, Buffer.from('x')), 'KeyTooLong');
      await expectStorageError(put('', Buffer.from('x')), 'InvalidArgument');
    });

    it('refuses a body that does not match its Content-MD5 with BadDigest, and stores nothing', async () => {
      const body = Buffer.from('the real bytes');
      await expectStorageError(
        put('digest', body, { contentMd5: contentMd5(Buffer.from('other')) }),
        'BadDigest',
      );
      expect(await store().headObject(bucket, 'digest')).toBeNull();
    });

    it('refuses a Content-MD5 that is not base64 of 16 bytes with InvalidDigest', async () => {
      const body = Buffer.from('bytes');
      await expectStorageError(put('bad-md5', body, { contentMd5: 'not base64!' }), 'InvalidDigest');
      await expectStorageError(
        put('bad-md5', body, { contentMd5: Buffer.alloc(10).toString('base64') }),
        'InvalidDigest',
      );
    });

    it('accepts 2 KiB of user metadata and refuses more with MetadataTooLarge', async () => {
      const fits = { a: 'v'.repeat(S3_LIMITS.maxMetadataBytes - 1) };
      await put('meta/fits', Buffer.from('x'), { metadata: fits });
      expect((await store().headObject(bucket, 'meta/fits'))?.metadata).toEqual(fits);
      const over = { a: 'v'.repeat(S3_LIMITS.maxMetadataBytes) };
      await expectStorageError(put('meta/over', Buffer.from('x'), { metadata: over }), 'MetadataTooLarge');
    });

    it('accepts STANDARD and refuses an unknown storage class with InvalidStorageClass', async () => {
      await put('class/standard', Buffer.from('x'), { storageClass: 'STANDARD' });
      await expectStorageError(
        put('class/frozen', Buffer.from('x'), { storageClass: 'FROZEN' }),
        'InvalidStorageClass',
      );
    });

    it('refuses a single PUT over 5 GiB with EntityTooLarge before reading it', async () => {
      const body = bodyClaimingLength(S3_LIMITS.maxSinglePutBytes + 1);
      await expectStorageError(
        store().putObject({ bucket, key: 'huge', body, contentMd5: contentMd5(Buffer.alloc(0)) }),
        'EntityTooLarge',
      );
    });
  });

  describe('listing', () => {
    const keys = ['a', 'a/b', 'a/b/c', 'a-b', 'ab', 'b', 'é', 'ﬀ', '😀', '日本/語', 'z'];

    it('lists keys in UTF-8 byte order, with `a` and `a/b` both objects, by prefix and after a key', async () => {
      for (const key of keys) await put(`order/${key}`, Buffer.from(key));
      const listed = await store().listObjects(bucket, 'order/');
      expect(listed.truncated).toBe(false);
      expect(listed.objects.map((o) => o.key)).toEqual(byUtf8(keys).map((k) => `order/${k}`));
      const entry = listed.objects.find((o) => o.key === 'order/é');
      expect(entry).toMatchObject({ size: 2, etag: `"${md5Hex(Buffer.from('é'))}"` });
      expect(entry?.lastModified).toBeInstanceOf(Date);
      const underA = await store().listObjects(bucket, 'order/a/');
      expect(underA.objects.map((o) => o.key)).toEqual(['order/a/b', 'order/a/b/c']);
      const after = await store().listObjects(bucket, 'order/', 'order/ab');
      expect(after.objects.map((o) => o.key)).toEqual(
        byUtf8(keys)
          .slice(byUtf8(keys).indexOf('ab') + 1)
          .map((k) => `order/${k}`),
      );
      expect((await store().listObjects(bucket, 'order/nothing-here/')).objects).toEqual([]);
    });

    it('pages 1000 objects at a time', async () => {
      const names = Array.from({ length: 1005 }, (_, i) => `page/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < names.length; i += 25) {
        await Promise.all(names.slice(i, i + 25).map((key) => put(key, Buffer.from(key))));
      }
      const first = await store().listObjects(bucket, 'page/');
      expect(first.truncated).toBe(true);
      expect(first.objects.map((o) => o.key)).toEqual(names.slice(0, 1000));
      const second = await store().listObjects(bucket, 'page/', first.objects.at(-1)?.key);
      expect(second).toMatchObject({ truncated: false });
      expect(second.objects.map((o) => o.key)).toEqual(names.slice(1000));
    });
  });

  describe('multipart uploads', () => {
    const start = (key: string, extra: Record<string, unknown> = {}) =>
      store()
        .createMultipartUpload({ bucket, key, ...extra })
        .then((r) => r.uploadId);
    const part = (key: string, uploadId: string, partNumber: number, body: Buffer) =>
      store().uploadPart({ bucket, key, uploadId, partNumber, body, contentMd5: contentMd5(body) });

    it('joins parts of 5, 5 and 1 MiB into one object with the multipart ETag', async () => {
      const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB)];
      const uploadId = await start('mp/three', {
        contentType: 'application/x-test',
        metadata: { origin: 'disk' },
      });
      const parts = [];
      for (const [i, body] of bodies.entries()) {
        const { etag } = await part('mp/three', uploadId, i + 1, body);
        expect(etag).toBe(`"${md5Hex(body)}"`);
        parts.push({ partNumber: i + 1, etag });
      }
      const done = await store().completeMultipartUpload({ bucket, key: 'mp/three', uploadId, parts });
      expect(done.etag).toBe(expectedMultipartEtag(bodies));
      const head = await store().headObject(bucket, 'mp/three');
      expect(head).toMatchObject({
        size: 11 * MiB,
        etag: done.etag,
        contentType: 'application/x-test',
        metadata: { origin: 'disk' },
      });
      expect(md5Hex(await readAll(await store().getObject(bucket, 'mp/three')))).toBe(
        md5Hex(Buffer.concat(bodies)),
      );
      expect(await store().listMultipartUploads(bucket, 'mp/three')).toEqual([]);
    });

    it('refuses a part under 5 MiB that is not the last with EntityTooSmall', async () => {
      const uploadId = await start('mp/small');
      const first = await part('mp/small', uploadId, 1, randomBytes(MiB));
      const last = await part('mp/small', uploadId, 2, randomBytes(1024));
      const parts = [
        { partNumber: 1, etag: first.etag },
        { partNumber: 2, etag: last.etag },
      ];
      await expectStorageError(
        store().completeMultipartUpload({ bucket, key: 'mp/small', uploadId, parts }),
        'EntityTooSmall',
      );
      await store().abortMultipartUpload({ bucket, key: 'mp/small', uploadId });
    });

    it('refuses a wrong or missing part ETag with InvalidPart, and parts out of order with InvalidPartOrder', async () => {
      const uploadId = await start('mp/parts');
      const one = await part('mp/parts', uploadId, 1, randomBytes(5 * MiB));
      const two = await part('mp/parts', uploadId, 2, randomBytes(100));
      const complete = (parts: { partNumber: number; etag: string }[]) =>
        store().completeMultipartUpload({ bucket, key: 'mp/parts', uploadId, parts });
      const wrong = `"${md5Hex(Buffer.from('other bytes'))}"`;
      await expectStorageError(
        complete([
          { partNumber: 1, etag: one.etag },
          { partNumber: 2, etag: wrong },
        ]),
        'InvalidPart',
      );
      await expectStorageError(
        complete([
          { partNumber: 1, etag: one.etag },
          { partNumber: 3, etag: two.etag },
        ]),
        'InvalidPart',
      );
      await expectStorageError(
        complete([
          { partNumber: 2, etag: two.etag },
          { partNumber: 1, etag: one.etag },
        ]),
        'InvalidPartOrder',
      );
      await store().abortMultipartUpload({ bucket, key: 'mp/parts', uploadId });
    });

    it('replaces a part uploaded twice', async () => {
      const uploadId = await start('mp/again');
      const old = await part('mp/again', uploadId, 1, Buffer.from('old part'));
      const fresh = await part('mp/again', uploadId, 1, Buffer.from('new part'));
      const complete = (etag: string) =>
        store().completeMultipartUpload({
          bucket,
          key: 'mp/again',
          uploadId,
          parts: [{ partNumber: 1, etag }],
        });
      await expectStorageError(complete(old.etag), 'InvalidPart');
      await complete(fresh.etag);
      expect((await readAll(await store().getObject(bucket, 'mp/again'))).toString()).toBe('new part');
    });

    it('answers NoSuchUpload after an abort, and aborts idempotently', async () => {
      const uploadId = await start('mp/aborted');
      const one = await part('mp/aborted', uploadId, 1, Buffer.from('part'));
      await store().abortMultipartUpload({ bucket, key: 'mp/aborted', uploadId });
      await store().abortMultipartUpload({ bucket, key: 'mp/aborted', uploadId });
      await expectStorageError(part('mp/aborted', uploadId, 2, Buffer.from('late')), 'NoSuchUpload');
      const parts = [{ partNumber: 1, etag: one.etag }];
      await expectStorageError(
        store().completeMultipartUpload({ bucket, key: 'mp/aborted', uploadId, parts }),
        'NoSuchUpload',
      );
      expect(await store().headObject(bucket, 'mp/aborted')).toBeNull();
    });

    it('answers NoSuchUpload for an upload ID it never gave', async () => {
      await expectStorageError(
        part('mp/unknown', 'bm90LWFuLXVwbG9hZC1pZA', 1, Buffer.from('x')),
        'NoSuchUpload',
      );
    });

    it('refuses part numbers outside 1..10000 with InvalidArgument, and a part with a wrong MD5 with BadDigest', async () => {
      const uploadId = await start('mp/numbers');
      for (const partNumber of [0, S3_LIMITS.maxParts + 1]) {
        await expectStorageError(
          part('mp/numbers', uploadId, partNumber, Buffer.from('x')),
          'InvalidArgument',
        );
      }
      const body = Buffer.from('part bytes');
      const wrongMd5 = {
        bucket,
        key: 'mp/numbers',
        uploadId,
        partNumber: 1,
        body,
        contentMd5: contentMd5(Buffer.from('y')),
      };
      await expectStorageError(store().uploadPart(wrongMd5), 'BadDigest');
      await store().abortMultipartUpload({ bucket, key: 'mp/numbers', uploadId });
    });

    it('lists unfinished uploads under a prefix', async () => {
      const first = await start('pending/one');
      const second = await start('pending/two');
      const elsewhere = await start('other/three');
      const listed = await store().listMultipartUploads(bucket, 'pending/');
      expect(listed.map(({ key, uploadId }) => ({ key, uploadId }))).toEqual([
        { key: 'pending/one', uploadId: first },
        { key: 'pending/two', uploadId: second },
      ]);
      expect(listed[0]?.initiated).toBeInstanceOf(Date);
      await store().abortMultipartUpload({ bucket, key: 'pending/one', uploadId: first });
      expect((await store().listMultipartUploads(bucket, 'pending/')).map((u) => u.uploadId)).toEqual([
        second,
      ]);
      await store().abortMultipartUpload({ bucket, key: 'pending/two', uploadId: second });
      await store().abortMultipartUpload({ bucket, key: 'other/three', uploadId: elsewhere });
    });
  });
});
