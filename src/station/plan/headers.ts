import type { ImportManifest } from '../../manifest/index.js';
import type { ObjectHeaders } from '../../storage/port.js';
import { contentTypeFor, innerContentTypeFor, isGzipMagic } from './content-type.js';
import type { PlannedUpload } from './types.js';

// The headers every object of a job gets from its manifest (reference §2.3): acl, storageClass,
// cacheControl, contentDisposition, contentLanguage and expires copied as given (the reference
// says they are not validated), staticMetadata, and the file's own modification time under
// diskTimestampMetadataKey. The 2 KB metadata limit is checked by the planner (metadataBytes).

/** The manifest fields the headers depend on. */
export type HeaderRules = Pick<
  ImportManifest,
  | 'acl'
  | 'storageClass'
  | 'cacheControl'
  | 'contentDisposition'
  | 'contentLanguage'
  | 'expires'
  | 'staticMetadata'
  | 'diskTimestampMetadataKey'
  | 'contentTypes'
  | 'defaultContentType'
  | 'setContentEncodingForGzFiles'
>;

/**
 * The disk timestamp as stored in metadata: ISO-8601 UTC with milliseconds
 * (`2014-06-01T12:00:00.000Z`), the format the manifest module budgets 24 bytes for. The
 * reference gives no format for diskTimestampMetadataKey (its semantics are marked uncertain), so
 * this is our choice. Undefined for an invalid date.
 */
export function diskTimestamp(mtime: Date): string | undefined {
  return Number.isNaN(mtime.getTime()) ? undefined : mtime.toISOString();
}

/** Static metadata plus the disk timestamp (names are lower-case, without `x-amz-meta-`). */
export function metadataFor(rules: HeaderRules, mtime: Date): Record<string, string> {
  const metadata: Record<string, string> = { ...rules.staticMetadata };
  const stamp = diskTimestamp(mtime);
  if (rules.diskTimestampMetadataKey && stamp !== undefined) metadata[rules.diskTimestampMetadataKey] = stamp;
  return metadata;
}

/** Bytes S3 counts against its 2 KB metadata limit: names and values, in UTF-8. */
export function metadataBytes(metadata: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(metadata)) {
    total += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return total;
}

/** The upload headers of one file; with setContentEncodingForGzFiles, the gzip variant too. */
export function headersFor(
  rules: HeaderRules,
  path: string,
  metadata: Record<string, string>,
): Pick<PlannedUpload, 'headers' | 'gzipHeaders'> {
  const common: ObjectHeaders = { acl: rules.acl, storageClass: rules.storageClass };
  if (rules.cacheControl !== undefined) common.cacheControl = rules.cacheControl;
  if (rules.contentDisposition !== undefined) common.contentDisposition = rules.contentDisposition;
  if (rules.contentLanguage !== undefined) common.contentLanguage = rules.contentLanguage;
  if (rules.expires !== undefined) common.expires = rules.expires;
  if (Object.keys(metadata).length > 0) common.metadata = metadata;
  const headers: ObjectHeaders = { contentType: contentTypeFor(path, rules), ...common };
  if (!rules.setContentEncodingForGzFiles) return { headers };
  const gzipHeaders: ObjectHeaders = {
    contentType: innerContentTypeFor(path, rules),
    contentEncoding: 'gzip',
    ...common,
  };
  return { headers, gzipHeaders };
}

/**
 * The headers to upload a planned file with, given its first bytes. A-S3Imp: with
 * setContentEncodingForGzFiles the station looks at the first bytes of every file, and a gzip
 * stream gets `Content-Encoding: gzip` whatever its extension; other files (`.gz` or not) keep the
 * plain headers. Pass at least the first 2 bytes (fewer: not gzip).
 */
export function headersForContent(plan: PlannedUpload, firstBytes: Uint8Array): ObjectHeaders {
  return plan.gzipHeaders && isGzipMagic(firstBytes) ? plan.gzipHeaders : plan.headers;
}
