import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListedObject, ObjectHeaders, StoredObject } from '../port.js';
import { unlessMissingSync } from './durable-files.js';
import { keyHash, sidecarName } from './layout.js';
import { bareEtag } from './rules.js';

/** Header fields kept in a sidecar (metadata is kept apart, as S3 does). */
const HEADER_FIELDS = [
  'contentType',
  'contentEncoding',
  'cacheControl',
  'contentDisposition',
  'contentLanguage',
  'expires',
  'acl',
  'storageClass',
] as const satisfies readonly (keyof ObjectHeaders)[];

type HeaderFields = Partial<Record<(typeof HEADER_FIELDS)[number], string>>;

/** What a sidecar file holds: everything about an object but its bytes. */
export interface ObjectRecord {
  format: 1;
  key: string;
  size: number;
  /** Quoted, as S3 shows it. */
  etag: string;
  lastModified: string;
  headers: HeaderFields;
  metadata: Record<string, string>;
}

/** The object headers of a request, without its other fields (bucket, key, body...). */
export function pickHeaders(input: ObjectHeaders): ObjectHeaders {
  const kept: ObjectHeaders = {};
  for (const field of HEADER_FIELDS) {
    const value = input[field];
    if (value !== undefined) kept[field] = value;
  }
  if (input.metadata !== undefined) kept.metadata = { ...input.metadata };
  return kept;
}

/** The record of a new object from its request headers. */
export function newRecord(key: string, size: number, etag: string, input: ObjectHeaders): ObjectRecord {
  return { ...recordWithoutEtag(key, size, input), etag };
}

/** newRecord before its ETag is known (the store's file worker computes it). */
export function recordWithoutEtag(
  key: string,
  size: number,
  input: ObjectHeaders,
): Omit<ObjectRecord, 'etag'> {
  const { metadata, ...headers } = pickHeaders(input);
  return { format: 1, key, size, lastModified: new Date().toISOString(), headers, metadata: metadata ?? {} };
}

/** The sidecar's text. */
export function serializeRecord(record: ObjectRecord): Buffer {
  return Buffer.from(recordText(record), 'utf8');
}

/** The sidecar's text as a string. */
export function recordText(record: ObjectRecord): string {
  const [before, after] = recordTextAround(record);
  return `${before}${bareEtag(record.etag)}${after}`;
}

/**
 * The sidecar's text before and after the bare ETag (JSON, the ETag last), for a record whose
 * ETag is the MD5 of bytes not hashed yet: a hex digest (or `hex-N`) needs no escaping.
 */
export function recordTextAround(record: Omit<ObjectRecord, 'etag'>): readonly [string, string] {
  const { format, key, size, lastModified, headers, metadata } = record;
  const text = JSON.stringify({ format, key, size, lastModified, headers, metadata });
  return [`${text.slice(0, -1)},"etag":"\\"`, '\\""}'];
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/**
 * The record in a sidecar's text, or null when the text is not a well-formed record of the key
 * with hash `hash` (damaged or foreign files count as no object). Never throws.
 */
export function parseRecord(text: string, hash: string): ObjectRecord | null {
  let value: Partial<ObjectRecord>;
  try {
    value = JSON.parse(text) as Partial<ObjectRecord>;
  } catch {
    return null;
  }
  const wellFormed =
    value?.format === 1 &&
    typeof value.key === 'string' &&
    Number.isSafeInteger(value.size) &&
    (value.size ?? -1) >= 0 &&
    typeof value.etag === 'string' &&
    /^"[0-9a-f]{32}(-\d+)?"$/.test(value.etag) &&
    typeof value.lastModified === 'string' &&
    !Number.isNaN(Date.parse(value.lastModified)) &&
    isStringMap(value.headers) &&
    isStringMap(value.metadata);
  if (!wellFormed || keyHash(value.key as string) !== hash) return null;
  return value as ObjectRecord;
}

/**
 * Reads the sidecar of `hash` in a fan-out folder: null when it is missing or damaged. Fs errors
 * other than ENOENT. Synchronous underneath (a sidecar is a few hundred bytes in the page cache;
 * see durable-files.ts on why).
 */
export async function readRecord(dir: string, hash: string): Promise<ObjectRecord | null> {
  const path = join(dir, sidecarName(hash));
  // A new key's put asks first: existsSync answers a miss without building an ENOENT error.
  if (!existsSync(path)) return null;
  const text = unlessMissingSync(() => readFileSync(path, 'utf8'));
  return text === null ? null : parseRecord(text, hash);
}

/** The record as a list entry. */
export function toListed(record: ObjectRecord): ListedObject {
  return {
    key: record.key,
    size: record.size,
    etag: record.etag,
    lastModified: new Date(record.lastModified),
  };
}

/** The record as HeadObject shows it: size, ETag, date, headers and user metadata. */
export function toStored(record: ObjectRecord): StoredObject {
  return { ...toListed(record), ...record.headers, metadata: { ...record.metadata } };
}
