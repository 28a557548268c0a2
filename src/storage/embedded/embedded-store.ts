import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { storageErrorOf, toStorageError } from '../errors.js';
import type {
  CompleteMultipartInput,
  ListedObject,
  ObjectHeaders,
  ObjectStore,
  PutObjectInput,
  StoredObject,
  StreamPutInput,
  UploadPartInput,
} from '../port.js';
import { bodyLength, md5Of } from '../port.js';
import { syncDir, TempFile, unlessMissingSync, type PendingBytes } from './durable-files.js';
import { FileSystemFlusher, GroupFlush } from './group-flush.js';
import { KeyedLock } from './keyed-lock.js';
import { UploadSteps } from './upload-steps.js';
import { bucketDir } from './layout.js';
import { BucketListing } from './listing.js';
import * as multipart from './multipart.js';
import { ObjectStager } from './object-stager.js';
import {
  commitObject,
  commitStagedObject,
  ensureFanout,
  findObject,
  locate,
  openObject,
  removeObject,
  type ObjectLocation,
} from './object-files.js';
import { readBytes } from './object-bytes.js';
import { sweepStore } from './recovery.js';
import { receiveStream } from './streamed-body.js';
import {
  checkBucketName,
  checkHeaders,
  checkKey,
  checkPartNumber,
  checkUploadSize,
  claimedMd5Hex,
  verifyContentMd5,
} from './rules.js';
import { newRecord, pickHeaders, recordWithoutEtag, toStored, type ObjectRecord } from './sidecar.js';

/** How the store makes new objects durable. */
export interface EmbeddedStoreOptions {
  /**
   * 'group' (the default on Linux): puts in flight share flushes of the whole file system
   * (group-flush.ts); 'each': every object is fsynced on its own (the default elsewhere).
   */
  durability?: 'group' | 'each';
}

/**
 * Opens (creating it if needed) the embedded bucket store in `root` (by default
 * `<data-dir>/objects`), after removing what a crash may have left there (temporary files, bytes no
 * sidecar names). One process owns a root at a time. Fs errors if `root` cannot be created or read.
 */
export async function openEmbeddedStore(
  root: string,
  options: EmbeddedStoreOptions = {},
): Promise<ObjectStore> {
  const absolute = resolve(root);
  await mkdir(absolute, { recursive: true });
  await sweepStore(absolute);
  const durability = options.durability ?? (process.platform === 'linux' ? 'group' : 'each');
  return new EmbeddedStore(absolute, durability === 'group' ? new FileSystemFlusher(absolute) : null);
}

/**
 * Uploads at once that suit group flushes: each put waits for two flushes (tens of milliseconds
 * each while a load writes: a flush takes longer the more it writes), so more in flight share
 * each one. Set B (20,000 files of 4-64 KiB) loaded by a station, files/s by rounds: 128 at once
 * 2,118, 256 3,157-3,477, 512 3,599-4,139, 1,024 3,117-3,481 (more CPU; peak RSS 305 MiB, not 252).
 */
const GROUP_UPLOAD_CONCURRENCY = 512;

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error);
  }
}

/** The directory-backed ObjectStore: S3's rules and codes, crash-safe files (see object-files.ts). */
class EmbeddedStore implements ObjectStore {
  readonly name: string;
  private readonly keyLocks = new KeyedLock();
  private readonly uploads = new UploadSteps({
    prepare: (bucket, key) => this.prepare(bucket, key),
    commitPending: (bucket, loc, pending, record) => this.commitPending(bucket, loc, pending, record),
    find: (bucket, key) => findObject(locate(this.root, bucket, key)),
  });
  private readonly listings = new Map<string, BucketListing>();

  private readonly group: GroupFlush | null;
  /** New objects' file work in a worker thread, with the group's flushes (null without a group). */
  private readonly staged: { stager: ObjectStager; group: GroupFlush } | null;
  readonly uploadConcurrency?: number;
  readonly hashesBodies?: boolean;

  constructor(
    private readonly root: string,
    private readonly flusher: FileSystemFlusher | null,
  ) {
    this.name = `embedded store ${root}`;
    this.group = flusher === null ? null : new GroupFlush(flusher.flushOnce);
    this.staged = this.group === null ? null : { stager: new ObjectStager(), group: this.group };
    if (this.group !== null) this.uploadConcurrency = GROUP_UPLOAD_CONCURRENCY;
    // The worker hashes every body it writes, so a put without Content-MD5 costs this thread nothing.
    if (this.staged !== null) this.hashesBodies = true;
  }

  createBucket(bucket: string): Promise<void> {
    return guarded(async () => {
      checkBucketName(bucket);
      const created = await mkdir(bucketDir(this.root, bucket), { recursive: true });
      if (created !== undefined) await syncDir(this.root);
    });
  }

  checkBucket(bucket: string): Promise<void> {
    return guarded(async () => void (await this.bucketPath(bucket)));
  }

  putObject(input: PutObjectInput): Promise<{ etag: string }> {
    return guarded(async () => {
      await this.bucketPath(input.bucket);
      checkKey(input.key);
      checkHeaders(input);
      const size = bodyLength(input.body);
      checkUploadSize(size);
      const claimed = input.contentMd5 === undefined ? undefined : claimedMd5Hex(input.contentMd5);
      const loc = locate(this.root, input.bucket, input.key);
      const staged = this.staged;
      if (staged !== null) {
        const fields = recordWithoutEtag(input.key, size, input);
        const md5Hex = await this.underKeyLock(input.bucket, loc, () =>
          commitStagedObject(loc, input.body, fields, claimed, staged),
        );
        if (md5Hex !== null) return { etag: `"${md5Hex}"` };
      }
      const md5Hex =
        input.contentMd5 === undefined
          ? md5Of(input.body).toString('hex')
          : verifyContentMd5(input.body, input.contentMd5);
      const record = newRecord(input.key, size, `"${md5Hex}"`, input);
      await ensureFanout(this.root, input.bucket, loc);
      const temp = await TempFile.holding(loc.dir, input.body);
      await this.commitPending(input.bucket, loc, temp, record);
      return { etag: record.etag };
    });
  }

  /** The body written to a temporary file as it comes, hashed on the way, then committed as putObject's. */
  putObjectStream(input: StreamPutInput): Promise<{ etag: string }> {
    return guarded(async () => {
      await this.bucketPath(input.bucket);
      checkKey(input.key);
      checkHeaders(input);
      checkUploadSize(input.size);
      const loc = await this.prepare(input.bucket, input.key);
      const { temp, md5Hex } = await receiveStream(loc.dir, input);
      const record = newRecord(input.key, input.size, `"${md5Hex}"`, input);
      await this.commitPending(input.bucket, loc, temp, record);
      return { etag: record.etag };
    });
  }

  createMultipartUpload(
    input: ObjectHeaders & { bucket: string; key: string },
  ): Promise<{ uploadId: string }> {
    return guarded(async () => {
      const path = await this.bucketPath(input.bucket);
      checkKey(input.key);
      checkHeaders(input);
      return { uploadId: await multipart.startUpload(path, input.key, pickHeaders(input)) };
    });
  }

  uploadPart(input: UploadPartInput): Promise<{ etag: string }> {
    return guarded(async () => {
      const path = await this.bucketPath(input.bucket);
      checkKey(input.key);
      checkPartNumber(input.partNumber);
      return this.uploads.storePart(path, input);
    });
  }

  completeMultipartUpload(input: CompleteMultipartInput): Promise<{ etag: string }> {
    return guarded(async () => {
      const path = await this.bucketPath(input.bucket);
      checkKey(input.key);
      return this.uploads.complete(path, input);
    });
  }

  abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    return guarded(async () => this.uploads.abort(await this.bucketPath(input.bucket), input));
  }

  listMultipartUploads(
    bucket: string,
    prefix: string,
  ): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
    return guarded(async () => multipart.listUploads(await this.bucketPath(bucket), prefix));
  }

  headObject(bucket: string, key: string): Promise<StoredObject | null> {
    return guarded(async () => {
      await this.bucketPath(bucket);
      checkKey(key);
      const record = await findObject(locate(this.root, bucket, key));
      return record === null ? null : toStored(record);
    });
  }

  listObjects(
    bucket: string,
    prefix: string,
    startAfter?: string,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }> {
    return guarded(async () => {
      const path = await this.bucketPath(bucket);
      let listing = this.listings.get(bucket);
      if (listing === undefined) this.listings.set(bucket, (listing = new BucketListing(path)));
      return listing.page(prefix, startAfter);
    });
  }

  getObject(bucket: string, key: string): Promise<Readable> {
    return guarded(async () => {
      await this.bucketPath(bucket);
      checkKey(key);
      const opened = await openObject(locate(this.root, bucket, key));
      if (opened === null) throw storageErrorOf('NoSuchKey', 'no object under this key');
      return readBytes(opened.handles);
    });
  }

  deleteObject(bucket: string, key: string): Promise<void> {
    return guarded(async () => {
      await this.bucketPath(bucket);
      checkKey(key);
      const loc = locate(this.root, bucket, key);
      await this.underKeyLock(bucket, loc, () => removeObject(loc));
    });
  }

  async close(): Promise<void> {
    this.listings.clear();
    this.flusher?.close();
    this.staged?.stager.close();
  }

  /** The bucket's folder. InvalidBucketName, NoSuchBucket. */
  private async bucketPath(bucket: string): Promise<string> {
    checkBucketName(bucket);
    const path = bucketDir(this.root, bucket);
    const info = unlessMissingSync(() => statSync(path));
    if (info === null || !info.isDirectory())
      throw storageErrorOf('NoSuchBucket', `bucket ${bucket} does not exist`);
    return path;
  }

  private underKeyLock<T>(bucket: string, loc: ObjectLocation, work: () => Promise<T>): Promise<T> {
    return this.keyLocks.run(`${bucket}/${loc.hash}`, work);
  }

  private async prepare(bucket: string, key: string): Promise<ObjectLocation> {
    const loc = locate(this.root, bucket, key);
    await ensureFanout(this.root, bucket, loc);
    return loc;
  }

  /** Commits `pending` bytes as `record` under the key's lock; they are discarded on failure. */
  private async commitPending(
    bucket: string,
    loc: ObjectLocation,
    pending: PendingBytes,
    record: ObjectRecord,
  ): Promise<void> {
    try {
      await this.underKeyLock(bucket, loc, () => commitObject(loc, pending, record, this.group));
    } catch (error) {
      await pending.discard();
      throw error;
    }
  }
}
