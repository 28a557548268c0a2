import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import { isRetryable, storageDetails } from '../../../../src/storage/index.js';
import { openS3Store } from '../../../../src/storage/s3/index.js';
import { contentMd5, readAll } from '../../../helpers/storage.js';
import { answerError, useFakeS3 } from './fake-s3.js';

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failureOf(promise: Promise<unknown>): Promise<CatalogError> {
  const failure = await promise.then(
    () => expect.fail('the call succeeded'),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(CatalogError);
  return failure as CatalogError;
}

const body = Buffer.from('some bytes');
const put = { bucket: 'bucket', key: 'key', body, contentMd5: contentMd5(body) };

describe('S3 adapter transport failures', () => {
  const fakeS3 = useFakeS3();

  it('maps a refused connection to a retryable RequestTimeout with details.network', async () => {
    const store = openS3Store({
      endpoint: `http://127.0.0.1:${await deadPort()}`,
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
    });
    try {
      const failure = await failureOf(store.putObject(put));
      expect(failure.code).toBe('RequestTimeout');
      expect(storageDetails(failure)).toMatchObject({
        network: true,
        errno: 'ECONNREFUSED',
        httpStatus: 400,
      });
      expect(isRetryable(failure)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('maps a connection reset mid-request to RequestTimeout, after exactly one attempt (SDK retries off)', async () => {
    const fake = await fakeS3((_req, _res, socket) => socket.destroy());
    const failure = await failureOf(fake.open().putObject(put));
    expect(failure.code).toBe('RequestTimeout');
    expect(storageDetails(failure)?.network).toBe(true);
    expect(fake.requests).toBe(1);
  });

  it('maps a server that goes silent to RequestTimeout once the idle timeout passes', async () => {
    const fake = await fakeS3(() => undefined);
    const started = Date.now();
    const failure = await failureOf(fake.open({ idleTimeoutMs: 300 }).putObject(put));
    expect(failure.code).toBe('RequestTimeout');
    expect(storageDetails(failure)?.network).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps an answer it cannot parse as InternalError with the status, retryable for a 503', async () => {
    const fake = await fakeS3((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>busy</html>');
    });
    const failure = await failureOf(fake.open().putObject(put));
    expect(failure.code).toBe('InternalError');
    expect(storageDetails(failure)?.httpStatus).toBe(503);
    expect(isRetryable(failure)).toBe(true);
    expect(fake.requests).toBe(1);
  });

  it('maps SlowDown and a code the catalog lacks by name, keeping the server spelling', async () => {
    const slow = await fakeS3((_req, res) => answerError(res, 503, 'SlowDown'));
    const slowFailure = await failureOf(slow.open().putObject(put));
    expect(slowFailure.code).toBe('SlowDown');
    expect(storageDetails(slowFailure)).toMatchObject({ httpStatus: 503, s3Code: 'SlowDown' });
    const odd = await fakeS3((_req, res) => answerError(res, 400, 'InvalidObjectState'));
    const oddFailure = await failureOf(odd.open().putObject(put));
    expect(oddFailure.code).toBe('InternalError');
    expect(storageDetails(oddFailure)).toMatchObject({ httpStatus: 400, s3Code: 'InvalidObjectState' });
    expect(isRetryable(oddFailure)).toBe(false);
  });

  it('destroys a GET stream cut short with a RequestTimeout, not a raw socket error', async () => {
    const fake = await fakeS3((_req, res, socket) => {
      res.writeHead(200, { 'content-length': '100000', etag: '"x"' });
      res.write(Buffer.alloc(1000, 1), () => setTimeout(() => socket.destroy(), 20));
    });
    const stream = await fake.open().getObject('bucket', 'key');
    const failure = await failureOf(readAll(stream));
    expect(failure.code).toBe('RequestTimeout');
    expect(storageDetails(failure)?.network).toBe(true);
  });

  it('sends Content-MD5 and no SDK checksum trailer, and opens at most maxSockets connections', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const fake = await fakeS3((req, res) => {
      seen.push(req.headers);
      setTimeout(() => res.writeHead(200, { etag: '"e"', 'content-length': '0' }).end(), 30);
    });
    const store = fake.open({ maxSockets: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.putObject({ ...put, key: `k${i}` })));
    expect(fake.requests).toBe(8);
    expect(fake.connections).toBe(2);
    for (const headers of seen) {
      expect(headers['content-md5']).toBe(put.contentMd5);
      expect(Object.keys(headers).filter((name) => name.startsWith('x-amz-checksum'))).toEqual([]);
      expect(headers['x-amz-trailer']).toBeUndefined();
    }
  });

  it('turns a header value HTTP cannot carry (a control character in metadata) into a storage error', async () => {
    const fake = await fakeS3((req, res) => res.writeHead(200, { etag: '"e"', 'content-length': '0' }).end());
    const failure = await failureOf(fake.open().putObject({ ...put, metadata: { note: 'two\nlines' } }));
    expect(failure.code).toBe('InternalError');
    expect(fake.requests).toBe(0);
  });

  it('signs bodies sent with Content-MD5 as UNSIGNED-PAYLOAD (no SHA-256 pass over the bytes)', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const fake = await fakeS3((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { etag: '"e"', 'content-length': '0' }).end();
    });
    const store = fake.open();
    await store.putObject(put);
    await store.headObject('bucket', 'key');
    expect(seen[0]?.['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(String(seen[0]?.authorization)).toMatch(/SignedHeaders=[^,]*content-md5[^,]*x-amz-content-sha256/);
    // A request without a body keeps the hash of the empty payload.
    expect(seen[1]?.['x-amz-content-sha256']).toMatch(/^e3b0c442/);
  });
});
