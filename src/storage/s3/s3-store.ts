import { PassThrough, Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CatalogError } from '../../catalog/index.js';
import { storageErrorOf } from '../errors.js';
import {
  checkBucketName,
  checkHeaders,
  checkKey,
  checkPartNumber,
  checkUploadSize,
} from '../embedded/rules.js';
import { bodyLength, md5Of } from '../port.js';
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
import { connectS3, type S3Connection, type S3StoreOptions } from './s3-client.js';
import { objectHeaderFields } from './direct-put.js';
import { except, mapS3Error, s3Call } from './s3-errors.js';
import { completeUpload, listUploads } from './s3-multipart.js';
import {
  checkDigestForm,
  checkPartOrder,
  etagOfContentMd5,
  listedObject,
  sdkHeaders,
  storedObject,
} from './s3-messages.js';

/**
 * The ObjectStore on any S3-compatible endpoint (AWS, Ceph RGW, ...) through the AWS SDK v3.
 * Requests are checked first with the same rules as the embedded store (InvalidBucketName,
 * KeyTooLong, MetadataTooLarge, InvalidStorageClass, EntityTooLarge, InvalidDigest, InvalidArgument
 * for part numbers, InvalidPartOrder), so that every server fails the same way; everything else is
 * the server's answer mapped by mapS3Error (network failures: RequestTimeout with
 * `details.network`). Opening does not contact the server. Throws only on options the SDK refuses.
 */
export function openS3Store(options: S3StoreOptions): ObjectStore {
  return new S3Store(options);
}

/** A body-less 404/403 on a bucket HEAD. */
const BUCKET_HEAD = { 404: 'NoSuchBucket', 403: 'AccessDenied' } as const;
/** A body-less 404/403 on an object HEAD. */
const OBJECT_HEAD = { 404: 'NoSuchKey', 403: 'AccessDenied' } as const;

class S3Store implements ObjectStore {
  readonly name: string;
  private readonly connection: S3Connection;
  private readonly client: S3Client;
  private closed = false;

  constructor(options: S3StoreOptions) {
    this.name = `S3 ${options.endpoint}`;
    this.connection = connectS3(options);
    this.client = this.connection.client;
  }

  async createBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    // A bucket these credentials already own is adopted (RGW answers 200; AWS outside us-east-1, 409).
    await s3Call(() => this.client.send(new CreateBucketCommand({ Bucket: bucket }))).catch(
      except('BucketAlreadyOwnedByYou'),
    );
  }

  async checkBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    await s3Call(() => this.client.send(new HeadBucketCommand({ Bucket: bucket })), BUCKET_HEAD);
  }

  async putObject(input: PutObjectInput): Promise<{ etag: string | null }> {
    checkObjectTarget(input.bucket, input.key);
    checkHeaders(input);
    checkUploadSize(bodyLength(input.body));
    const contentMd5 = input.contentMd5 ?? md5Of(input.body).toString('base64');
    checkDigestForm(contentMd5);
    const headers = { ...objectHeaderFields(input), 'content-md5': contentMd5 };
    return this.connection.putter.put({ bucket: input.bucket, key: input.key, headers, body: input.body });
  }

  async putObjectStream(input: StreamPutInput): Promise<{ etag: string | null }> {
    checkObjectTarget(input.bucket, input.key);
    checkHeaders(input);
    checkUploadSize(input.size);
    const { bucket, key, size, body, sent } = input;
    const headers = objectHeaderFields(input);
    return this.connection.putter.putStream({ bucket, key, headers, size, body, sent });
  }

  async createMultipartUpload(
    input: ObjectHeaders & { bucket: string; key: string },
  ): Promise<{ uploadId: string }> {
    checkObjectTarget(input.bucket, input.key);
    checkHeaders(input);
    const command = new CreateMultipartUploadCommand({
      Bucket: input.bucket,
      Key: input.key,
      ...sdkHeaders(input),
    });
    const answer = await s3Call(() => this.client.send(command));
    if (!answer.UploadId) throw storageErrorOf('InternalError', 'the server gave no upload ID');
    return { uploadId: answer.UploadId };
  }

  async uploadPart(input: UploadPartInput): Promise<{ etag: string }> {
    checkObjectTarget(input.bucket, input.key);
    checkPartNumber(input.partNumber);
    checkUploadSize(bodyLength(input.body));
    if (input.contentMd5 !== undefined) checkDigestForm(input.contentMd5);
    const query = { partNumber: String(input.partNumber), uploadId: input.uploadId };
    const headers: Record<string, string> =
      input.contentMd5 === undefined ? {} : { 'content-md5': input.contentMd5 };
    const answer = await this.connection.putter.put({ ...input, query, headers });
    if (answer.etag !== null) return { etag: answer.etag };
    // A gateway that answers without an ETag: the part's is its MD5, as S3 defines it.
    const md5 = input.contentMd5 ?? md5Of(input.body).toString('base64');
    return { etag: etagOfContentMd5(md5) };
  }

  /** RGW 16 quirks are handled in completeUpload (empty ETag, 500 for an aborted upload). */
  async completeMultipartUpload(input: CompleteMultipartInput): Promise<{ etag: string }> {
    checkObjectTarget(input.bucket, input.key);
    input.parts.forEach((part) => checkPartNumber(part.partNumber));
    checkPartOrder(input.parts);
    const etag = await completeUpload(this.client, input, async () => {
      const head = await this.headObject(input.bucket, input.key);
      return head?.etag ?? '';
    });
    return { etag };
  }

  async abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    checkObjectTarget(input.bucket, input.key);
    const command = new AbortMultipartUploadCommand({
      Bucket: input.bucket,
      Key: input.key,
      UploadId: input.uploadId,
    });
    await s3Call(() => this.client.send(command)).catch(except('NoSuchUpload'));
  }

  async listMultipartUploads(
    bucket: string,
    prefix: string,
  ): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
    checkBucketName(bucket);
    return listUploads(this.client, bucket, prefix);
  }

  /** A 404 is null when the bucket exists; a second request (HEAD on the bucket) tells which. */
  async headObject(bucket: string, key: string): Promise<StoredObject | null> {
    checkObjectTarget(bucket, key);
    try {
      const head = await s3Call(
        () => this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
        OBJECT_HEAD,
      );
      return storedObject(key, head);
    } catch (error) {
      if (!(error instanceof CatalogError && error.code === 'NoSuchKey')) throw error;
      await this.checkBucket(bucket);
      return null;
    }
  }

  async listObjects(
    bucket: string,
    prefix: string,
    startAfter?: string,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }> {
    checkBucketName(bucket);
    const command = new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix,
      StartAfter: startAfter,
      MaxKeys: 1000,
      // Keys come back URL-encoded: CR and control characters then pass whatever the XML parser does.
      EncodingType: 'url',
    });
    const page = await s3Call(() => this.client.send(command));
    const urlEncoded = page.EncodingType === 'url';
    return {
      objects: (page.Contents ?? []).map((object) => listedObject(object, urlEncoded)),
      truncated: page.IsTruncated === true,
    };
  }

  /** The body as a node Readable; a failure while streaming destroys it with the mapped error. */
  async getObject(bucket: string, key: string): Promise<Readable> {
    checkObjectTarget(bucket, key);
    const answer = await s3Call(() => this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    if (!(answer.Body instanceof Readable))
      throw storageErrorOf('InternalError', 'the answer has no body stream');
    return withMappedErrors(answer.Body);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    checkObjectTarget(bucket, key);
    await s3Call(() => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
  }
}

/** InvalidBucketName, InvalidArgument or KeyTooLong before a request names an object. */
function checkObjectTarget(bucket: string, key: string): void {
  checkBucketName(bucket);
  checkKey(key);
}

/** The same bytes; an error of the source (a reset connection) reaches the reader as a storage error. */
function withMappedErrors(source: Readable): Readable {
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  source.on('error', (error) => output.destroy(mapS3Error(error)));
  output.on('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  return source.pipe(output);
}
