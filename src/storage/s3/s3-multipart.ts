import {
  CompleteMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CatalogError } from '../../catalog/index.js';
import { storageErrorOf } from '../errors.js';
import type { CompleteMultipartInput } from '../port.js';
import { s3Call } from './s3-errors.js';
import { quotedEtag } from './s3-messages.js';

/** What ListParts answers for an upload that was aborted or completed (RGW 16: NoSuchKey). */
const UPLOAD_GONE: ReadonlySet<string> = new Set(['NoSuchUpload', 'NoSuchKey']);

/**
 * Completes a multipart upload and returns the object's quoted ETag, around two RGW 16 quirks:
 * an answer with an empty ETag (then `headEtag`, the object's HEAD, gives it), and a 500 for an
 * upload that was aborted (then ListParts tells NoSuchUpload apart from a real server failure).
 * Storage errors as the server answers them (InvalidPart, EntityTooSmall, NoSuchUpload...);
 * InternalError when neither the answer nor the HEAD has an ETag.
 */
export async function completeUpload(
  client: S3Client,
  input: CompleteMultipartInput,
  headEtag: () => Promise<string>,
): Promise<string> {
  const command = new CompleteMultipartUploadCommand({
    Bucket: input.bucket,
    Key: input.key,
    UploadId: input.uploadId,
    MultipartUpload: { Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
  });
  const answer = await s3Call(() => client.send(command)).catch((error: unknown) =>
    rethrowUnlessGone(client, input, error),
  );
  if (answer.ETag) return quotedEtag(answer.ETag);
  const etag = await headEtag();
  if (etag === '') throw storageErrorOf('InternalError', 'the completed object has no ETag, even on HEAD');
  return etag;
}

/** Throws NoSuchUpload when a server failure hides an upload that no longer exists, else `error`. */
async function rethrowUnlessGone(
  client: S3Client,
  input: CompleteMultipartInput,
  error: unknown,
): Promise<never> {
  if (!(error instanceof CatalogError && error.code === 'InternalError')) throw error;
  const command = new ListPartsCommand({
    Bucket: input.bucket,
    Key: input.key,
    UploadId: input.uploadId,
    MaxParts: 1,
  });
  const gone = await s3Call(() => client.send(command)).then(
    () => false,
    (failure: unknown) => failure instanceof CatalogError && UPLOAD_GONE.has(failure.code),
  );
  if (gone) throw storageErrorOf('NoSuchUpload', 'the upload was aborted (the server answered 500)');
  throw error;
}

/** Every unfinished upload under `prefix`, following the listing's markers. Storage errors (NoSuchBucket...). */
export async function listUploads(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
  const uploads: { key: string; uploadId: string; initiated: Date }[] = [];
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const command = new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, ...markers });
    const page = await s3Call(() => client.send(command));
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      uploads.push({
        key: upload.Key,
        uploadId: upload.UploadId,
        initiated: upload.Initiated ?? new Date(0),
      });
    }
    if (page.IsTruncated !== true || page.NextKeyMarker === undefined) return uploads;
    markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}
