import { CatalogError } from '../../catalog/index.js';
import { storageErrorOf } from '../errors.js';
import type { CompleteMultipartInput, UploadPartInput } from '../port.js';
import { bodyLength } from '../port.js';
import { errnoOf, type PendingBytes } from './durable-files.js';
import { KeyedLock } from './keyed-lock.js';
import { uploadDir } from './layout.js';
import * as multipart from './multipart.js';
import type { ObjectLocation } from './object-files.js';
import { md5Of } from '../port.js';
import { bareEtag, checkUploadSize, verifyContentMd5 } from './rules.js';
import { newRecord, type ObjectRecord } from './sidecar.js';

/*
 * The embedded store's multipart steps after the bucket and key were checked: parts stored under
 * their number and MD5, completion (the chosen parts become the object's data folder, committed
 * like any object) and abort. Completion and abort of one upload, and the uploads of one part
 * number, are serialised; everything else runs side by side. Files: multipart.ts.
 */

/** What the steps need of the store: a key's location, its commit under the key's lock, its object. */
export interface KeyCommits {
  prepare(bucket: string, key: string): Promise<ObjectLocation>;
  commitPending(
    bucket: string,
    loc: ObjectLocation,
    pending: PendingBytes,
    record: ObjectRecord,
  ): Promise<void>;
  find(bucket: string, key: string): Promise<ObjectRecord | null>;
}

export class UploadSteps {
  private readonly locks = new KeyedLock();

  constructor(private readonly keys: KeyCommits) {}

  /** Stores one part (its chunks as the loader read them, no copy). NoSuchUpload, BadDigest. */
  async storePart(bucketPath: string, input: UploadPartInput): Promise<{ etag: string }> {
    const body = input.body;
    checkUploadSize(bodyLength(body));
    const { dir } = await this.liveUpload(bucketPath, input.uploadId, input.key);
    const md5Hex =
      input.contentMd5 === undefined ? md5Of(body).toString('hex') : verifyContentMd5(body, input.contentMd5);
    const lockName = `${input.bucket}/${input.uploadId}/${input.partNumber}`;
    await this.locks.run(lockName, async () => {
      try {
        await multipart.storePart(dir, input.partNumber, body, md5Hex);
      } catch (error) {
        // The upload was completed or aborted while this part was being written.
        if (errnoOf(error) === 'ENOENT') throw storageErrorOf('NoSuchUpload', 'the upload ended meanwhile');
        throw error;
      }
    });
    return { etag: `"${md5Hex}"` };
  }

  /** Completes an upload under its lock. NoSuchUpload, InvalidPart, InvalidPartOrder, EntityTooSmall. */
  complete(bucketPath: string, input: CompleteMultipartInput): Promise<{ etag: string }> {
    return this.locks.run(`${input.bucket}/${input.uploadId}`, () => this.completeUpload(bucketPath, input));
  }

  /** Aborts an upload under its lock; nothing happens when there is none of this key. */
  abort(bucketPath: string, input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    return this.locks.run(`${input.bucket}/${input.uploadId}`, async () => {
      if ((await multipart.readUpload(bucketPath, input.uploadId, input.key)) === null) return;
      await multipart.removeUpload(bucketPath, input.uploadId);
    });
  }

  /** The folder and record of a live upload of `key`. NoSuchUpload. */
  private async liveUpload(
    bucketPath: string,
    uploadId: string,
    key: string,
  ): Promise<{ dir: string; upload: multipart.UploadRecord }> {
    const dir = uploadDir(bucketPath, uploadId);
    const upload = await multipart.readUpload(bucketPath, uploadId, key);
    if (dir === null || upload === null)
      throw storageErrorOf('NoSuchUpload', `no upload ${uploadId} of this key`);
    return { dir, upload };
  }

  /** Completes an upload (caller holds its lock): the chosen parts become the object's data folder. */
  private async completeUpload(bucketPath: string, input: CompleteMultipartInput): Promise<{ etag: string }> {
    const { dir, upload } = await this.liveUpload(bucketPath, input.uploadId, input.key);
    let parts: multipart.ChosenPart[];
    try {
      parts = await multipart.chooseParts(dir, input.parts);
    } catch (error) {
      const etag = await this.completedBefore(input, error);
      if (etag === null) throw error;
      await multipart.removeUpload(bucketPath, input.uploadId);
      return { etag };
    }
    const loc = await this.keys.prepare(input.bucket, input.key);
    const gathered = await multipart.gatherParts(loc.dir, parts);
    const record = newRecord(input.key, gathered.size, gathered.etag, upload.headers);
    await this.keys.commitPending(input.bucket, loc, gathered.folder, record);
    await multipart.removeUpload(bucketPath, input.uploadId);
    return { etag: gathered.etag };
  }

  /**
   * The ETag of a completion whose parts are missing (InvalidPart) but which already happened: a
   * crash after its commit kept the upload, and the key's object has the ETag these parts give.
   * Null otherwise.
   */
  private async completedBefore(input: CompleteMultipartInput, error: unknown): Promise<string | null> {
    if (!(error instanceof CatalogError) || error.code !== 'InvalidPart') return null;
    const etag = multipart.completionEtag(input.parts);
    if (etag === null) return null;
    const record = await this.keys.find(input.bucket, input.key);
    return record !== null && bareEtag(record.etag) === bareEtag(etag) ? etag : null;
  }
}
