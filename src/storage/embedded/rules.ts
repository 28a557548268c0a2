import { createHash } from 'node:crypto';
import { storageErrorOf } from '../errors.js';
import { md5Of, S3_LIMITS, type ObjectHeaders } from '../port.js';

/*
 * S3's request rules, as a real S3 server (Ceph RGW, AWS) enforces them, with the same codes.
 * Pure functions: each returns nothing or throws a storage CatalogError.
 */

/** Storage classes S3 knows; any other is InvalidStorageClass. */
export const STORAGE_CLASSES: readonly string[] = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
];

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4_FORM = /^\d+\.\d+\.\d+\.\d+$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bucket naming rules: 3-63 of a-z 0-9 . -, letter or digit at both ends, no `..`, `.-`, `-.`, no IP form. InvalidBucketName. */
export function checkBucketName(bucket: string): void {
  const ok =
    BUCKET_NAME.test(bucket) &&
    !bucket.includes('..') &&
    !bucket.includes('.-') &&
    !bucket.includes('-.') &&
    !IPV4_FORM.test(bucket);
  if (!ok)
    throw storageErrorOf(
      'InvalidBucketName',
      `bucket name ${JSON.stringify(bucket)} breaks the naming rules`,
    );
}

/** Object keys: 1 to 1024 UTF-8 bytes of well-formed text. InvalidArgument (empty, lone surrogate), KeyTooLong. */
export function checkKey(key: string): void {
  if (key.length === 0) throw storageErrorOf('InvalidArgument', 'the object key is empty');
  if (LONE_SURROGATE.test(key)) throw storageErrorOf('InvalidArgument', 'the object key is not valid UTF-8');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > S3_LIMITS.maxKeyBytes) throw storageErrorOf('KeyTooLong', `the object key is ${bytes} bytes`);
}

/** Sum of the UTF-8 bytes of user metadata names and values, as S3 counts it. */
export function metadataBytes(metadata: Record<string, string> | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(metadata ?? {})) {
    total += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return total;
}

/** Storage class and user metadata of a PUT or multipart start. InvalidStorageClass, MetadataTooLarge. */
export function checkHeaders(headers: ObjectHeaders): void {
  if (headers.storageClass !== undefined && !STORAGE_CLASSES.includes(headers.storageClass)) {
    throw storageErrorOf(
      'InvalidStorageClass',
      `storage class ${JSON.stringify(headers.storageClass)} is unknown`,
    );
  }
  const bytes = metadataBytes(headers.metadata);
  if (bytes > S3_LIMITS.maxMetadataBytes)
    throw storageErrorOf('MetadataTooLarge', `user metadata is ${bytes} bytes`);
}

/** A single PUT's or a part's body size: at most 5 GiB. EntityTooLarge. */
export function checkUploadSize(size: number): void {
  if (size > S3_LIMITS.maxSinglePutBytes) throw storageErrorOf('EntityTooLarge', `the body is ${size} bytes`);
}

/** A whole object's size: at most 5 TiB. EntityTooLarge. */
export function checkObjectSize(size: number): void {
  if (size > S3_LIMITS.maxObjectBytes)
    throw storageErrorOf('EntityTooLarge', `the object would be ${size} bytes`);
}

/** Multipart part numbers are integers 1..10000. InvalidArgument. */
export function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > S3_LIMITS.maxParts) {
    throw storageErrorOf('InvalidArgument', `part number ${partNumber} is outside 1..${S3_LIMITS.maxParts}`);
  }
}

/**
 * Checks `body` against its Content-MD5 (base64 of the 16-byte digest) and returns the hex MD5.
 * InvalidDigest when the header is not base64 of 16 bytes, BadDigest when the body differs.
 */
export function verifyContentMd5(body: Buffer | readonly Buffer[], contentMd5: string): string {
  const claimedHex = claimedMd5Hex(contentMd5);
  const actual = md5Of(body).toString('hex');
  if (actual !== claimedHex) throw badDigest();
  return actual;
}

/** The hex of the digest a Content-MD5 header claims, unchecked against any body. InvalidDigest. */
export function claimedMd5Hex(contentMd5: string): string {
  const claimed = Buffer.from(contentMd5, 'base64');
  if (!BASE64.test(contentMd5) || contentMd5.length % 4 !== 0 || claimed.length !== 16) {
    throw storageErrorOf('InvalidDigest', 'Content-MD5 is not the base64 of a 16-byte digest');
  }
  return claimed.toString('hex');
}

/** BadDigest: a body that does not hash to its Content-MD5. */
export function badDigest(): Error {
  return storageErrorOf('BadDigest', 'the body does not match its Content-MD5');
}

/** An ETag without its surrounding quotes (clients send part ETags either way). */
export function bareEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

/** S3's ETag of a multipart object: MD5 of the parts' binary MD5s, then `-` and the part count. */
export function multipartEtag(partMd5Hexes: readonly string[]): string {
  const hash = createHash('md5');
  for (const hex of partMd5Hexes) hash.update(Buffer.from(hex, 'hex'));
  return `"${hash.digest('hex')}-${partMd5Hexes.length}"`;
}
