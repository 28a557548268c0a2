import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseParts, gatherParts } from '../../../../src/storage/embedded/multipart.js';
import { sweepStore } from '../../../../src/storage/embedded/recovery.js';
import { multipartEtag } from '../../../../src/storage/embedded/rules.js';
import { contentMd5, expectStorageError, md5Hex, readAll } from '../../../helpers/storage.js';
import { ageTree, filesOf, namesIn, useStoreRoot } from './store-fixture.js';

const BUCKET = 'folder-crash';
const MiB = 1024 * 1024;

/*
 * What a crash (or a failure) at each step of a multipart completion leaves, now that the parts
 * are renamed into a data folder: the old object or the new one stays whole, and the sweep
 * removes temporary and unnamed folders.
 */
describe('embedded multipart completion after a crash', () => {
  const fixture = useStoreRoot();

  /** A store with an upload of `key` holding parts of 5 MiB and 100 bytes. */
  async function uploaded(key: string) {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const { uploadId } = await store.createMultipartUpload({ bucket: BUCKET, key });
    const bodies = [randomBytes(5 * MiB), randomBytes(100)];
    const parts: { partNumber: number; etag: string }[] = [];
    for (const [i, body] of bodies.entries()) {
      const input = { bucket: BUCKET, key, uploadId, partNumber: i + 1, body, contentMd5: contentMd5(body) };
      parts.push({ partNumber: i + 1, etag: (await store.uploadPart(input)).etag });
    }
    const uploadPath = join(fixture.root(), BUCKET, '.uploads', uploadId);
    const complete = (list = parts) =>
      store.completeMultipartUpload({ bucket: BUCKET, key, uploadId, parts: list });
    return {
      store,
      uploadId,
      bodies,
      parts,
      uploadPath,
      complete,
      files: filesOf(fixture.root(), BUCKET, key),
    };
  }

  it('sweeps a data folder no sidecar names and a temporary folder, and keeps the committed one', async () => {
    const { store, bodies, complete } = await uploaded('kept');
    await complete();
    const ghost = filesOf(fixture.root(), BUCKET, 'ghost').dataOf(`${'0'.repeat(32)}-2`);
    await mkdir(ghost, { recursive: true });
    await writeFile(join(ghost, '00001'), 'never');
    await writeFile(join(ghost, '00002'), 'committed');
    const temp = join(filesOf(fixture.root(), BUCKET, 'ghost').dir, '.tmp-00112233445566778899aabb');
    await mkdir(temp);
    await writeFile(join(temp, '00001'), 'gathered part');
    expect(await store.headObject(BUCKET, 'ghost')).toBeNull();

    expect(await sweepStore(fixture.root())).toMatchObject({ tempFiles: 0, orphanData: 0 }); // still fresh
    await ageTree(fixture.root());
    const report = await sweepStore(fixture.root());
    expect(report).toMatchObject({ tempFiles: 1, orphanData: 1, damagedSidecars: 0 });
    await expect(lstat(ghost)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(temp)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readAll(await store.getObject(BUCKET, 'kept'))).equals(Buffer.concat(bodies))).toBe(true);
  });

  it('answers InvalidPart after a crash that moved parts but did not commit; the sweep removes them', async () => {
    const { store, uploadId, uploadPath, files, complete } = await uploaded('cut');
    const temp = join(files.dir, '.tmp-ffeeddccbbaa998877665544');
    await mkdir(temp, { recursive: true });
    const [first] = (await namesIn(uploadPath)).filter((name) => name.endsWith('.part'));
    await rename(join(uploadPath, first!), join(temp, '00001')); // the crash came after one rename
    await expectStorageError(complete(), 'InvalidPart');
    expect(await store.headObject(BUCKET, 'cut')).toBeNull();
    await ageTree(fixture.root());
    expect((await sweepStore(fixture.root())).tempFiles).toBe(1);
    await expect(lstat(temp)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.abortMultipartUpload({ bucket: BUCKET, key: 'cut', uploadId });
    expect(await store.listMultipartUploads(BUCKET, '')).toEqual([]);
  });

  it('answers a completion repeated after a crash past its commit with the same ETag', async () => {
    const { store, uploadPath, bodies, parts, complete } = await uploaded('again');
    const record = await readFile(join(uploadPath, 'upload.json'));
    const { etag } = await complete();
    await mkdir(uploadPath); // the crash came before the upload folder was removed
    await writeFile(join(uploadPath, 'upload.json'), record);
    await expectStorageError(complete(parts.slice(0, 1)), 'InvalidPart'); // not what was completed
    expect(await complete()).toEqual({ etag });
    expect(await store.listMultipartUploads(BUCKET, '')).toEqual([]);
    expect((await readAll(await store.getObject(BUCKET, 'again'))).equals(Buffer.concat(bodies))).toBe(true);
  });

  it('moves the parts back when gathering fails, so the completion can be sent again', async () => {
    const { uploadPath, parts, files, complete, store, bodies } = await uploaded('retry');
    const before = await namesIn(uploadPath);
    const chosen = await chooseParts(uploadPath, parts);
    const broken = [chosen[0]!, { ...chosen[1]!, path: `${chosen[1]!.path}.gone` }];
    await mkdir(files.dir, { recursive: true });
    await expectStorageError(gatherParts(files.dir, broken), 'InvalidPart');
    expect(await namesIn(uploadPath)).toEqual(before);
    expect((await namesIn(files.dir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    await complete();
    expect((await readAll(await store.getObject(BUCKET, 'retry'))).equals(Buffer.concat(bodies))).toBe(true);
  });

  it('completes over a leftover folder of the same name that no sidecar names whole', async () => {
    const { store, bodies, files, complete } = await uploaded('blocked');
    const etag = multipartEtag(bodies.map(md5Hex));
    await mkdir(files.dataOf(etag), { recursive: true });
    await writeFile(join(files.dataOf(etag), '00002'), 'half of a removal cut short');
    expect(await complete()).toEqual({ etag });
    expect((await readAll(await store.getObject(BUCKET, 'blocked'))).equals(Buffer.concat(bodies))).toBe(
      true,
    );
    expect(await namesIn(files.dir)).toHaveLength(2); // sidecar and data folder: the leftover is gone
  });

  it('treats a data folder that lost a part as no object', async () => {
    const { store, files, complete } = await uploaded('partial');
    const { etag } = await complete();
    await rm(join(files.dataOf(etag), '00002'));
    expect(await store.headObject(BUCKET, 'partial')).toBeNull();
    await expectStorageError(store.getObject(BUCKET, 'partial'), 'NoSuchKey');
    expect((await store.listObjects(BUCKET, '')).objects).toEqual([]);
  });
});
