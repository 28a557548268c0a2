import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * The storage target (DECISIONS §7): any S3-compatible endpoint through the AWS SDK, or the
 * embedded bucket store in the data directory. Both adapters enforce the same rules and fail with
 * the same catalog codes (CatalogError with the S3 code name: NoSuchBucket, InvalidBucketName,
 * KeyTooLong, EntityTooLarge, MetadataTooLarge, BadDigest, InvalidStorageClass, EntityTooSmall,
 * InvalidPart, NoSuchUpload, NoSuchKey, AccessDenied, SlowDown, InternalError, RequestTimeout...);
 * `details.httpStatus` carries the status the server answered. Network failures (connection reset,
 * refused, timeout) are CatalogError('RequestTimeout') with `details.network: true`.
 */
export interface ObjectStore {
  /** Human name for messages and logs: `embedded store <dir>` or `S3 http://host:port`. */
  readonly name: string;
  /**
   * How many uploads at once suit this store, when it knows better than a loader's default (the
   * embedded store: its puts wait for flushes shared by every put in flight).
   */
  readonly uploadConcurrency?: number;
  /**
   * True when the store hashes the bytes it stores itself and answers their MD5 as the ETag of a
   * put without Content-MD5 (putObject: in its file worker, off the caller's thread;
   * putObjectStream: as the bytes come), in this process, with no network between to damage them:
   * a loader need not hash the file too and logs that ETag as its MD5.
   */
  readonly hashesBodies?: boolean;

  /** Creates a bucket, or adopts an existing one this store's credentials own. InvalidBucketName, BucketAlreadyExists. */
  createBucket(bucket: string): Promise<void>;
  /** Succeeds when the bucket exists and can be written. NoSuchBucket, AccessDenied. */
  checkBucket(bucket: string): Promise<void>;

  /**
   * One PUT with Content-MD5 (base64 of the body's MD5; computed when left out). BadDigest when the body does not match.
   * Resolves with the ETag the store answered (quoted), or null when it answered none (then only
   * a HEAD can tell what was stored).
   */
  putObject(input: PutObjectInput): Promise<{ etag: string | null }>;
  /**
   * One PUT of `input.size` bytes sent as `input.body` gives them, hashed by nobody before they go
   * (no Content-MD5; an S3 request signs UNSIGNED-PAYLOAD): the caller compares the ETag answered,
   * the store's MD5 of what it stored, with the MD5 it took on the way. A failure of the body fails
   * the put with nothing stored (the caller knows its own failure; the store may report it as a
   * storage error). Optional: a loader sends large files as multipart uploads to a store without it.
   */
  putObjectStream?(input: StreamPutInput): Promise<{ etag: string | null }>;

  createMultipartUpload(
    input: ObjectHeaders & { bucket: string; key: string },
  ): Promise<{ uploadId: string }>;
  /** A part with its Content-MD5. Parts other than the last must be at least 5 MiB (EntityTooSmall at completion). */
  uploadPart(input: UploadPartInput): Promise<{ etag: string }>;
  completeMultipartUpload(input: CompleteMultipartInput): Promise<{ etag: string }>;
  /** Idempotent: aborting an unknown upload is not an error. */
  abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void>;
  /** Unfinished multipart uploads under a key prefix (crash recovery aborts the ones it does not resume). */
  listMultipartUploads(
    bucket: string,
    prefix: string,
  ): Promise<{ key: string; uploadId: string; initiated: Date }[]>;

  /** The object's size, ETag, headers and metadata, or null when there is none. */
  headObject(bucket: string, key: string): Promise<StoredObject | null>;
  /** Objects under a prefix in key order, a page at a time (up to 1000). */
  listObjects(
    bucket: string,
    prefix: string,
    startAfter?: string,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }>;
  /** The object's bytes. NoSuchKey. */
  getObject(bucket: string, key: string): Promise<Readable>;
  /** Idempotent delete (used to clean up tests and aborted loads). */
  deleteObject(bucket: string, key: string): Promise<void>;

  close(): Promise<void>;
}

/** S3 canned ACLs and storage classes as the manifest spells them. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  /** HTTP date text, as the manifest gave it. */
  expires?: string;
  /** User metadata, lower-case names without `x-amz-meta-`. */
  metadata?: Record<string, string>;
  acl?: string;
  storageClass?: string;
}

export interface PutObjectInput extends ObjectHeaders {
  bucket: string;
  key: string;
  /** Whole or in chunks (sent or written one after the other, never concatenated). */
  body: Buffer | readonly Buffer[];
  /**
   * Base64 MD5 of the body, checked by the store (BadDigest). Left out, the store computes it (the
   * S3 adapter to send it, the embedded store as the ETag: see hashesBodies).
   */
  contentMd5?: string;
}

export interface StreamPutInput extends ObjectHeaders {
  bucket: string;
  key: string;
  /** The bytes `body` gives, exactly (the request's Content-Length). */
  size: number;
  body: AsyncIterable<Buffer>;
  /** Told of each chunk of `body` once the store holds no reference to it (it may be used again). */
  sent?(chunk: Buffer): void;
}

export interface UploadPartInput {
  bucket: string;
  key: string;
  uploadId: string;
  /** 1..10000 */
  partNumber: number;
  /** The part's bytes, whole or as the chunks they were read in (sent in order, never copied). */
  body: Buffer | readonly Buffer[];
  /**
   * Base64 MD5 of the body, checked by the store (BadDigest). Left out, the body is protected by
   * the request's signed SHA-256 payload hash instead (S3; cheaper than MD5 on CPUs with SHA
   * instructions), and the embedded store computes the part's MD5 itself.
   */
  contentMd5?: string;
}

export interface CompleteMultipartInput {
  bucket: string;
  key: string;
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface StoredObject extends ListedObject, ObjectHeaders {}

/** S3's limits, enforced by the embedded store and checked by the loader before uploading. */
export const S3_LIMITS = {
  maxKeyBytes: 1024,
  maxObjectBytes: 5 * 1024 ** 4,
  maxSinglePutBytes: 5 * 1024 ** 3,
  minPartBytes: 5 * 1024 ** 2,
  maxParts: 10_000,
  /** Total of user metadata names and values (UTF-8), as S3 counts it. */
  maxMetadataBytes: 2 * 1024,
} as const;

/** The bytes of a body given whole or in chunks. */
export function bodyLength(body: Buffer | readonly Buffer[]): number {
  return Buffer.isBuffer(body) ? body.length : body.reduce((sum, chunk) => sum + chunk.length, 0);
}

/** The MD5 of a body given whole or in chunks (hashed in place: no concatenated copy). */
export function md5Of(body: Buffer | readonly Buffer[]): Buffer {
  const hash = createHash('md5');
  for (const chunk of Buffer.isBuffer(body) ? [body] : body) hash.update(chunk);
  return hash.digest();
}

/** A body given whole or in chunks, as one Buffer (copied only when in chunks). */
export function wholeBody(body: Buffer | readonly Buffer[]): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.concat(body);
}
