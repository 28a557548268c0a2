import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepStore } from '../../../../src/storage/embedded/recovery.js';
import { expectStorageError, readAll } from '../../../helpers/storage.js';
import { ageTree, filesOf, leaveDataFile, namesIn, putBytes, useStoreRoot } from './store-fixture.js';

const BUCKET = 'crash-test';

describe('embedded store after a crash', () => {
  const fixture = useStoreRoot();

  async function storeWithBucket() {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    return store;
  }

  it('ignores a temporary file of an unfinished write and removes it on the next open', async () => {
    const store = await storeWithBucket();
    await putBytes(store, BUCKET, 'kept', Buffer.from('kept'));
    const { dir } = filesOf(fixture.root(), BUCKET, 'kept');
    await writeFile(join(dir, '.tmp-0123456789abcdef'), 'half a body');
    expect((await store.listObjects(BUCKET, '')).objects.map((o) => o.key)).toEqual(['kept']);
    await ageTree(fixture.root());
    await fixture.open();
    expect((await namesIn(dir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('treats bytes without a sidecar (a first PUT cut short) as no object, then removes them', async () => {
    const store = await storeWithBucket();
    await putBytes(store, BUCKET, 'neighbour', Buffer.from('n'));
    const orphan = await leaveDataFile(fixture.root(), BUCKET, 'ghost', Buffer.from('never committed'));
    expect(await store.headObject(BUCKET, 'ghost')).toBeNull();
    await expectStorageError(store.getObject(BUCKET, 'ghost'), 'NoSuchKey');
    expect((await store.listObjects(BUCKET, '')).objects.map((o) => o.key)).toEqual(['neighbour']);
    await ageTree(fixture.root());
    const report = await sweepStore(fixture.root());
    expect(report.orphanData).toBe(1);
    await expect(readFile(orphan)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the old object whole when an overwrite stopped before its sidecar was committed', async () => {
    const store = await storeWithBucket();
    const old = Buffer.from('old bytes');
    await putBytes(store, BUCKET, 'doc', old);
    const newer = await leaveDataFile(
      fixture.root(),
      BUCKET,
      'doc',
      Buffer.from('new bytes, never committed'),
    );
    expect(await readAll(await store.getObject(BUCKET, 'doc'))).toEqual(old);
    await ageTree(fixture.root());
    const reopened = await fixture.open();
    expect(await readAll(await reopened.getObject(BUCKET, 'doc'))).toEqual(old);
    await expect(readFile(newer)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('shows the new object when an overwrite stopped after its sidecar, and removes the old bytes', async () => {
    const store = await storeWithBucket();
    const old = Buffer.from('old bytes');
    await putBytes(store, BUCKET, 'doc', old);
    const stale = filesOf(fixture.root(), BUCKET, 'doc').data(old);
    const oldCopy = await readFile(stale);
    const newer = Buffer.from('new bytes');
    await putBytes(store, BUCKET, 'doc', newer);
    await writeFile(stale, oldCopy); // as if the removal of the old bytes never happened
    expect(await readAll(await store.getObject(BUCKET, 'doc'))).toEqual(newer);
    await ageTree(fixture.root());
    const report = await sweepStore(fixture.root());
    expect(report).toMatchObject({ orphanData: 1, damagedSidecars: 0 });
    await expect(readFile(stale)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readAll(await store.getObject(BUCKET, 'doc'))).toEqual(newer);
  });

  it('treats bytes of another size than the sidecar says as no object', async () => {
    const store = await storeWithBucket();
    const body = Buffer.from('twenty bytes of data');
    await putBytes(store, BUCKET, 'short', body);
    await truncate(filesOf(fixture.root(), BUCKET, 'short').data(body), 5);
    expect(await store.headObject(BUCKET, 'short')).toBeNull();
    await expectStorageError(store.getObject(BUCKET, 'short'), 'NoSuchKey');
    expect((await store.listObjects(BUCKET, '')).objects).toEqual([]);
  });

  it('removes a sidecar whose bytes are gone, and upload folders without their record', async () => {
    const store = await storeWithBucket();
    const body = Buffer.from('bytes');
    await putBytes(store, BUCKET, 'lost', body);
    const files = filesOf(fixture.root(), BUCKET, 'lost');
    await rm(files.data(body));
    const brokenUpload = join(fixture.root(), BUCKET, '.uploads', 'AAAAAAAAAAAAAAAAAAAAAAAA');
    await mkdir(brokenUpload, { recursive: true });
    await writeFile(join(brokenUpload, '00001.0123456789abcdef0123456789abcdef.part'), 'x');
    expect(await store.listMultipartUploads(BUCKET, '')).toEqual([]);
    await ageTree(fixture.root());
    const report = await sweepStore(fixture.root());
    expect(report).toMatchObject({ damagedSidecars: 1, brokenUploads: 1 });
    await expect(readFile(files.sidecar)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps fresh leftovers: they may be writes in flight in another process', async () => {
    const store = await storeWithBucket();
    await putBytes(store, BUCKET, 'neighbour', Buffer.from('n'));
    const orphan = await leaveDataFile(fixture.root(), BUCKET, 'in-flight', Buffer.from('being written'));
    const { dir } = filesOf(fixture.root(), BUCKET, 'neighbour');
    await writeFile(join(dir, '.tmp-00000000deadbeef'), 'half a body');
    const report = await sweepStore(fixture.root());
    expect(report).toMatchObject({ tempFiles: 0, orphanData: 0 });
    expect(await readFile(orphan, 'utf8')).toBe('being written');
  });

  it('removes temporary files left inside an upload and keeps the upload', async () => {
    const store = await storeWithBucket();
    const { uploadId } = await store.createMultipartUpload({ bucket: BUCKET, key: 'big' });
    const dir = join(fixture.root(), BUCKET, '.uploads', uploadId);
    await writeFile(join(dir, '.tmp-feedfacefeedface'), 'half a part');
    await ageTree(fixture.root());
    const report = await sweepStore(fixture.root());
    expect(report.tempFiles).toBe(1);
    expect(await namesIn(dir)).toEqual(['upload.json']);
    expect((await store.listMultipartUploads(BUCKET, '')).map((u) => u.uploadId)).toEqual([uploadId]);
  });
});
