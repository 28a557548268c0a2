import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../../src/storage/embedded/keyed-lock.js';
import { contentMd5, md5Hex, readAll } from '../../../helpers/storage.js';
import { filesOf, namesIn, putBytes, useStoreRoot } from './store-fixture.js';

const BUCKET = 'concurrency';

describe('embedded store under concurrent writes', () => {
  const fixture = useStoreRoot();

  it('stores many uploads to different keys at once', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 60; i += 1) bodies.set(`file-${i}`, randomBytes(1000 + i * 37));
    await Promise.all([...bodies].map(([key, body]) => putBytes(store, BUCKET, key, body)));
    const listed = await store.listObjects(BUCKET, '');
    expect(listed.objects).toHaveLength(bodies.size);
    for (const object of listed.objects) expect(object.etag).toBe(`"${md5Hex(bodies.get(object.key)!)}"`);
  });

  it('keeps exactly one whole version when many PUTs race on one key, and readers see whole versions', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const versions = Array.from({ length: 12 }, (_, i) => randomBytes(50_000 + i * 1000));
    const known = new Set(versions.map(md5Hex));
    await putBytes(store, BUCKET, 'hot', versions[0]!);
    const reads: Promise<Buffer>[] = [];
    await Promise.all(
      versions.map(async (body) => {
        reads.push(store.getObject(BUCKET, 'hot').then(readAll));
        await putBytes(store, BUCKET, 'hot', body);
      }),
    );
    for (const seen of await Promise.all(reads)) expect(known.has(md5Hex(seen))).toBe(true);
    const final = await readAll(await store.getObject(BUCKET, 'hot'));
    expect(known.has(md5Hex(final))).toBe(true);
    expect((await store.headObject(BUCKET, 'hot'))?.etag).toBe(`"${md5Hex(final)}"`);
    const { dir } = filesOf(fixture.root(), BUCKET, 'hot');
    expect(await namesIn(dir)).toHaveLength(2); // one sidecar, one data file: the losers' bytes are gone
  });

  it('lets the last of several part uploads with one number win', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const { uploadId } = await store.createMultipartUpload({ bucket: BUCKET, key: 'parts' });
    const bodies = Array.from({ length: 6 }, () => randomBytes(10_000));
    const etags = await Promise.all(
      bodies.map((body) =>
        store.uploadPart({
          bucket: BUCKET,
          key: 'parts',
          uploadId,
          partNumber: 1,
          body,
          contentMd5: contentMd5(body),
        }),
      ),
    );
    const completions = await Promise.allSettled(
      etags.map(({ etag }) =>
        store.completeMultipartUpload({
          bucket: BUCKET,
          key: 'parts',
          uploadId,
          parts: [{ partNumber: 1, etag }],
        }),
      ),
    );
    // One part file survives; the completion naming it wins, the others find no part or no upload.
    expect(completions.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    const stored = await readAll(await store.getObject(BUCKET, 'parts'));
    expect(bodies.map(md5Hex)).toContain(md5Hex(stored));
  });
});

describe('KeyedLock', () => {
  it('runs work of one name one at a time, and different names together', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const step = (name: string, label: string, ms: number) =>
      lock.run(name, async () => {
        events.push(`start ${label}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${label}`);
      });
    await Promise.all([step('k', 'a', 20), step('k', 'b', 1), step('other', 'c', 1)]);
    expect(events.indexOf('end a')).toBeLessThan(events.indexOf('start b'));
    expect(events.indexOf('start c')).toBeLessThan(events.indexOf('end a'));
    expect(lock.busyNames).toBe(0);
  });

  it('passes errors through and goes on with the next run', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('k', async () => 42)).resolves.toBe(42);
  });
});
