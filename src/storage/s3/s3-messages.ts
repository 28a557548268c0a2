import type { HeadObjectCommandOutput, ObjectCannedACL, StorageClass, _Object } from '@aws-sdk/client-s3';
import { storageErrorOf } from '../errors.js';
import type { CompleteMultipartInput, ListedObject, ObjectHeaders, StoredObject } from '../port.js';

/*
 * Translation between the port's shapes and the SDK's, plus the request checks S3-compatible
 * servers do not all make (RGW 16 takes a malformed Content-MD5 as AccessDenied and parts out of
 * order as a success).
 */

/** The SDK's request fields for object headers (PutObject, CreateMultipartUpload). InvalidArgument for an `expires` that is not a date. */
export function sdkHeaders(headers: ObjectHeaders) {
  return {
    ContentType: headers.contentType,
    ContentEncoding: headers.contentEncoding,
    CacheControl: headers.cacheControl,
    ContentDisposition: headers.contentDisposition,
    ContentLanguage: headers.contentLanguage,
    Expires: headers.expires === undefined ? undefined : expiryDate(headers.expires),
    Metadata: headers.metadata,
    ACL: headers.acl as ObjectCannedACL | undefined,
    StorageClass: headers.storageClass as StorageClass | undefined,
  };
}

/** `expires` as a Date; InvalidArgument when it is not a date. */
export function expiryDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw storageErrorOf('InvalidArgument', `Expires ${JSON.stringify(text)} is not an HTTP date`);
  }
  return date;
}

/** A HEAD answer as the port's StoredObject (fields the server did not send are left out). */
export function storedObject(key: string, head: HeadObjectCommandOutput): StoredObject {
  const stored: StoredObject = {
    key,
    size: head.ContentLength ?? 0,
    etag: quotedEtag(head.ETag ?? ''),
    lastModified: head.LastModified ?? new Date(0),
    metadata: head.Metadata ?? {},
  };
  const expires = head.ExpiresString ?? head.Expires?.toUTCString();
  const optional: Partial<Record<keyof ObjectHeaders, string | undefined>> = {
    contentType: head.ContentType,
    contentEncoding: head.ContentEncoding,
    cacheControl: head.CacheControl,
    contentDisposition: head.ContentDisposition,
    contentLanguage: head.ContentLanguage,
    expires,
    storageClass: head.StorageClass,
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(stored, { [field]: value });
  }
  return stored;
}

/** A listed object; keys arrive URL-encoded when the server says it encoded them. */
export function listedObject(object: _Object, urlEncoded: boolean): ListedObject {
  const key = object.Key ?? '';
  return {
    key: urlEncoded ? decodeURIComponent(key) : key,
    size: object.Size ?? 0,
    etag: quotedEtag(object.ETag ?? ''),
    lastModified: object.LastModified ?? new Date(0),
  };
}

/** An ETag in quotes, as S3 shows it (RGW answers a repeated CompleteMultipartUpload without them). */
export function quotedEtag(etag: string): string {
  return etag === '' || etag.startsWith('"') ? etag : `"${etag}"`;
}

/** The ETag S3 gives a single PUT or a part: the hex MD5 in quotes, here from its Content-MD5. */
export function etagOfContentMd5(contentMd5: string): string {
  return `"${Buffer.from(contentMd5, 'base64').toString('hex')}"`;
}

/** InvalidDigest unless `contentMd5` is the canonical base64 of exactly 16 bytes. */
export function checkDigestForm(contentMd5: string): void {
  const digest = Buffer.from(contentMd5, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== contentMd5) {
    throw storageErrorOf('InvalidDigest', 'Content-MD5 is not the base64 of a 16-byte digest');
  }
}

/** InvalidPartOrder unless part numbers strictly ascend, as S3 requires at completion. */
export function checkPartOrder(parts: CompleteMultipartInput['parts']): void {
  for (let i = 1; i < parts.length; i += 1) {
    if ((parts[i]?.partNumber ?? 0) <= (parts[i - 1]?.partNumber ?? 0)) {
      throw storageErrorOf(
        'InvalidPartOrder',
        `part ${parts[i]?.partNumber} comes after a higher or equal one`,
      );
    }
  }
}
