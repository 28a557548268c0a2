import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../../src/storage/index.js';
import { contentMd5, md5Hex, readAll } from '../../../helpers/storage.js';
import { filesOf, namesIn, putBytes, useStoreRoot } from './store-fixture.js';

const BUCKET = 'folders';
const MiB = 1024 * 1024;

/** Bodies of three 5 MiB parts and a short last one. */
const fourParts = () => [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];

/*
 * A multipart object's bytes are a folder of its part files, renamed out of the upload: the
 * completion copies nothing. These tests look at the files themselves.
 */
describe('embedded multipart objects as folders of their parts', () => {
  const fixture = useStoreRoot();

  async function openWithBucket() {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    return store;
  }

  /** Starts an upload of `key` and uploads `bodies` as parts 1..n; returns the completion's part list. */
  async function uploaded(key: string, bodies: Buffer[], opened?: ObjectStore) {
    const store = opened ?? (await openWithBucket());
    const { uploadId } = await store.createMultipartUpload({ bucket: BUCKET, key });
    const parts = [];
    for (const [i, body] of bodies.entries()) {
      const input = { bucket: BUCKET, key, uploadId, partNumber: i + 1, body, contentMd5: contentMd5(body) };
      parts.push({ partNumber: i + 1, etag: (await store.uploadPart(input)).etag });
    }
    const uploadPath = join(fixture.root(), BUCKET, '.uploads', uploadId);
    return { store, uploadId, parts, uploadPath };
  }

  /** The inode numbers of the part files in an upload folder, by part number. */
  async function partInodes(uploadPath: string): Promise<Map<number, number>> {
    const inodes = new Map<number, number>();
    for (const name of (await readdir(uploadPath)).filter((n) => n.endsWith('.part'))) {
      inodes.set(Number(name.slice(0, 5)), (await stat(join(uploadPath, name))).ino);
    }
    return inodes;
  }

  async function inodesIn(folder: string): Promise<number[]> {
    const names = await namesIn(folder);
    return Promise.all(names.map(async (name) => (await stat(join(folder, name))).ino));
  }

  it('completes by moving the part files: the data folder holds the very same inodes', async () => {
    const bodies = fourParts();
    const { store, uploadId, parts, uploadPath } = await uploaded('big', bodies);
    const before = await partInodes(uploadPath);
    const { etag } = await store.completeMultipartUpload({ bucket: BUCKET, key: 'big', uploadId, parts });
    const folder = filesOf(fixture.root(), BUCKET, 'big').dataOf(etag);
    expect((await lstat(folder)).isDirectory()).toBe(true);
    expect(await namesIn(folder)).toEqual(['00001', '00002', '00003', '00004']);
    expect(await inodesIn(folder)).toEqual([1, 2, 3, 4].map((n) => before.get(n)));
    await expect(stat(uploadPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a multipart object back exactly, with its size and ETag', async () => {
    const bodies = fourParts();
    const { store, uploadId, parts } = await uploaded('exact', bodies);
    const { etag } = await store.completeMultipartUpload({ bucket: BUCKET, key: 'exact', uploadId, parts });
    expect(etag).toMatch(/^"[0-9a-f]{32}-4"$/);
    expect((await lstat(filesOf(fixture.root(), BUCKET, 'exact').dataOf(etag))).isDirectory()).toBe(true);
    const whole = Buffer.concat(bodies);
    expect((await readAll(await store.getObject(BUCKET, 'exact'))).equals(whole)).toBe(true);
    expect(await store.headObject(BUCKET, 'exact')).toMatchObject({ size: whole.length, etag });
    expect((await store.listObjects(BUCKET, '')).objects).toMatchObject([
      { key: 'exact', size: whole.length, etag },
    ]);
  });

  it('keeps only the chosen parts, numbered by their place in the completion', async () => {
    const bodies = fourParts();
    const { store, uploadId, parts, uploadPath } = await uploaded('some', bodies);
    const before = await partInodes(uploadPath);
    const chosen = [parts[0]!, parts[2]!, parts[3]!]; // parts 1, 3 and 4
    const { etag } = await store.completeMultipartUpload({
      bucket: BUCKET,
      key: 'some',
      uploadId,
      parts: chosen,
    });
    const folder = filesOf(fixture.root(), BUCKET, 'some').dataOf(etag);
    expect(await namesIn(folder)).toEqual(['00001', '00002', '00003']);
    expect(await inodesIn(folder)).toEqual([1, 3, 4].map((n) => before.get(n)));
    await expect(stat(uploadPath)).rejects.toMatchObject({ code: 'ENOENT' }); // part 2 went with it
    const expected = Buffer.concat([bodies[0]!, bodies[2]!, bodies[3]!]);
    expect((await readAll(await store.getObject(BUCKET, 'some'))).equals(expected)).toBe(true);
  });

  it('overwrites a multipart object with a single PUT and back, removing the old bytes each time', async () => {
    const bodies = fourParts();
    const { store, uploadId, parts } = await uploaded('swap', bodies);
    const { etag } = await store.completeMultipartUpload({ bucket: BUCKET, key: 'swap', uploadId, parts });
    const files = filesOf(fixture.root(), BUCKET, 'swap');
    const single = Buffer.from('one small body');
    await putBytes(store, BUCKET, 'swap', single);
    await expect(lstat(files.dataOf(etag))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await lstat(files.data(single))).isFile()).toBe(true);
    expect(await readAll(await store.getObject(BUCKET, 'swap'))).toEqual(single);

    const again = await uploaded('swap', bodies.slice(1), store);
    const done = await store.completeMultipartUpload({
      bucket: BUCKET,
      key: 'swap',
      uploadId: again.uploadId,
      parts: again.parts,
    });
    await expect(lstat(files.data(single))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await lstat(files.dataOf(done.etag))).isDirectory()).toBe(true);
    expect(md5Hex(await readAll(await store.getObject(BUCKET, 'swap')))).toBe(
      md5Hex(Buffer.concat(bodies.slice(1))),
    );
    expect(await namesIn(files.dir)).toHaveLength(2); // sidecar and data folder
  });

  it('deletes a multipart object with its folder', async () => {
    const { store, uploadId, parts } = await uploaded('gone', fourParts());
    const { etag } = await store.completeMultipartUpload({ bucket: BUCKET, key: 'gone', uploadId, parts });
    const files = filesOf(fixture.root(), BUCKET, 'gone');
    expect((await lstat(files.dataOf(etag))).isDirectory()).toBe(true);
    await store.deleteObject(BUCKET, 'gone');
    await expect(lstat(files.dataOf(etag))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await namesIn(files.dir)).toEqual([]);
    expect(await store.headObject(BUCKET, 'gone')).toBeNull();
  });

  it.runIf(existsSync('/proc/self/fd'))(
    'closes every part file of a GET left unread or read in part',
    async () => {
      const { store, uploadId, parts } = await uploaded('fds', fourParts());
      await store.completeMultipartUpload({ bucket: BUCKET, key: 'fds', uploadId, parts });
      const openFiles = async () => (await readdir('/proc/self/fd')).length;
      const before = await openFiles();
      const unread = await store.getObject(BUCKET, 'fds');
      expect(await openFiles()).toBe(before + 4); // the reader holds its version's files
      unread.destroy();
      const partly = await store.getObject(BUCKET, 'fds');
      await new Promise((resolve) => partly.once('readable', resolve));
      partly.read();
      partly.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await openFiles()).toBe(before);
    },
  );

  it('completes the same parts into the same key twice, keeping one whole folder', async () => {
    const bodies = fourParts();
    const first = await uploaded('twice', bodies);
    const { etag } = await first.store.completeMultipartUpload({
      bucket: BUCKET,
      key: 'twice',
      uploadId: first.uploadId,
      parts: first.parts,
    });
    const second = await uploaded('twice', bodies, first.store);
    const done = await second.store.completeMultipartUpload({
      bucket: BUCKET,
      key: 'twice',
      uploadId: second.uploadId,
      parts: second.parts,
    });
    expect(done.etag).toBe(etag);
    expect(md5Hex(await readAll(await second.store.getObject(BUCKET, 'twice')))).toBe(
      md5Hex(Buffer.concat(bodies)),
    );
    expect(await namesIn(filesOf(fixture.root(), BUCKET, 'twice').dir)).toHaveLength(2);
    expect(await second.store.listMultipartUploads(BUCKET, '')).toEqual([]);
  });
});
