import { createHash } from 'node:crypto';
import { join } from 'node:path';

/*
 * Where the embedded store keeps things. Keys never become paths (they may hold any character,
 * and `a` and `a/b` can both be objects): an object lives under the SHA-256 of its key.
 *
 *   <root>/<bucket>/<hh>/<sha256>.json              sidecar: key, size, ETag, headers, metadata
 *   <root>/<bucket>/<hh>/<sha256>.<etag>.data       the bytes; the sidecar names them by ETag
 *   <root>/<bucket>/<hh>/<sha256>.<etag>-<n>.data/<ppppp>   a multipart object's bytes: a folder
 *                                                    of its n parts, 00001..n in object order
 *   <root>/<bucket>/<hh>/.tmp-<random>              a write in progress, file or folder (swept)
 *   <root>/<bucket>/.uploads/<uploadId>/upload.json          a multipart upload's key and headers
 *   <root>/<bucket>/.uploads/<uploadId>/<nnnnn>.<md5>.part   its parts
 *
 * A multipart completion renames the chosen part files into a folder instead of copying them into
 * one file (the upload folder is in the same bucket, so on the same file system), so completing
 * costs a few renames and fsyncs whatever the size. Readers tell a folder from a file by lstat,
 * not by the `-<n>` of the ETag. `<hh>` is the first two hex digits of the hash: 256 fan-out
 * directories per bucket. Bucket names never start with a dot and fan-out names are hex, so
 * `.uploads` and `.tmp-*` cannot collide.
 */

/** Name of the per-bucket folder of unfinished multipart uploads. */
export const UPLOADS_DIR = '.uploads';
/** Name of a multipart upload's own record inside its folder. */
export const UPLOAD_RECORD = 'upload.json';
/** Prefix of every temporary file; a crash can leave them behind, open() removes them. */
export const TEMP_PREFIX = '.tmp-';

const SIDECAR_SUFFIX = '.json';
const DATA_SUFFIX = '.data';
const HASH_NAME = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** Hex SHA-256 of a key's UTF-8 bytes: the name of its files. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The bucket's folder (the name must already have passed checkBucketName). */
export function bucketDir(root: string, bucket: string): string {
  return join(root, bucket);
}

/** The fan-out folder that holds the files of the key with this hash. */
export function fanoutDir(root: string, bucket: string, hash: string): string {
  return join(root, bucket, hash.slice(0, 2));
}

/** File name of an object's sidecar. */
export function sidecarName(hash: string): string {
  return `${hash}${SIDECAR_SUFFIX}`;
}

/** File name of an object's bytes for a given ETag (quotes removed). */
export function dataName(hash: string, bareEtag: string): string {
  const [before, after] = dataNameAround(hash);
  return `${before}${bareEtag}${after}`;
}

/** dataName's text before and after the ETag: for bytes whose MD5 is yet to be computed. */
export function dataNameAround(hash: string): readonly [string, string] {
  return [`${hash}.`, DATA_SUFFIX];
}

/** The key hash a sidecar file name stands for, or null for any other name. */
export function hashOfSidecar(name: string): string | null {
  if (!name.endsWith(SIDECAR_SUFFIX)) return null;
  const hash = name.slice(0, -SIDECAR_SUFFIX.length);
  return HASH_NAME.test(hash) ? hash : null;
}

/** The key hash a data file name belongs to, or null for any other name. */
export function hashOfData(name: string): string | null {
  if (!name.endsWith(DATA_SUFFIX)) return null;
  const hash = name.slice(0, 64);
  return HASH_NAME.test(hash) && name[64] === '.' ? hash : null;
}

/** True for a fan-out folder name (two lower-case hex digits). */
export function isFanoutName(name: string): boolean {
  return /^[0-9a-f]{2}$/.test(name);
}

/** The folder of one multipart upload, or null when the ID cannot be one of ours (never a path escape). */
export function uploadDir(bucketPath: string, uploadId: string): string | null {
  return UPLOAD_ID.test(uploadId) ? join(bucketPath, UPLOADS_DIR, uploadId) : null;
}

/** File name of a stored part: zero-padded number and hex MD5, so a part's ETag finds its file. */
export function partName(partNumber: number, md5Hex: string): string {
  return `${String(partNumber).padStart(5, '0')}.${md5Hex}.part`;
}

/**
 * File name of the part at `position` (1-based, in the completion's order) inside a multipart
 * object's folder: zero-padded, so the names' order is the bytes' order.
 */
export function pieceName(position: number): string {
  return String(position).padStart(5, '0');
}

/** The part number of a part file name, or null for any other name. */
export function partNumberOf(name: string): number | null {
  const match = /^(\d{5})\.[0-9a-f]{32}\.part$/.exec(name);
  return match ? Number(match[1]) : null;
}
