import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { storageErrorOf } from '../errors.js';
import { S3_LIMITS, type CompleteMultipartInput, type ObjectHeaders } from '../port.js';
import { errnoOf, syncDir, TempFolder, unlessMissing, writeDurable } from './durable-files.js';
import { partName, partNumberOf, pieceName, UPLOAD_RECORD, UPLOADS_DIR, uploadDir } from './layout.js';
import { compareKeys } from './listing.js';
import { bareEtag, checkObjectSize, multipartEtag } from './rules.js';

/*
 * Multipart uploads of the embedded store: each upload is a folder under `<bucket>/.uploads/`
 * holding its record (key, start time, headers) and its parts, each part written atomically
 * under its number and MD5. The store serialises the completion and abort of one upload, and the
 * uploads of one part number; parts with different numbers are written concurrently.
 *
 * Completion copies no bytes: the chosen part files are renamed, in order, into a temporary folder
 * next to the object's files, which is then committed as the object's data folder (object-files.ts)
 * and the upload folder, with the parts not chosen, removed. A failure before the folder is in
 * place moves the parts back, so the client can complete again. A crash after parts were moved but
 * before the sidecar was committed leaves them in a temporary folder the sweep removes, and the
 * upload without them: completing again answers InvalidPart, and the client aborts or starts over.
 * A crash after the commit but before the upload was removed is repeatable: see completedBefore.
 */

/** What upload.json holds. */
export interface UploadRecord {
  format: 1;
  key: string;
  initiated: string;
  headers: ObjectHeaders;
}

/** A part chosen for completion: its file, size and MD5. */
export interface ChosenPart {
  path: string;
  size: number;
  md5Hex: string;
}

/** Starts an upload and returns its ID. Fs errors. */
export async function startUpload(bucketPath: string, key: string, headers: ObjectHeaders): Promise<string> {
  const uploadId = randomBytes(18).toString('base64url');
  const uploads = join(bucketPath, UPLOADS_DIR);
  await mkdir(join(uploads, uploadId), { recursive: true });
  const record: UploadRecord = { format: 1, key, initiated: new Date().toISOString(), headers };
  await writeDurable(join(uploads, uploadId, UPLOAD_RECORD), Buffer.from(JSON.stringify(record)));
  await syncDir(uploads);
  return uploadId;
}

/** The record of an upload of `key`, or null when there is no such upload (or it is for another key). */
export async function readUpload(
  bucketPath: string,
  uploadId: string,
  key?: string,
): Promise<UploadRecord | null> {
  const dir = uploadDir(bucketPath, uploadId);
  if (dir === null) return null;
  const text = await unlessMissing(readFile(join(dir, UPLOAD_RECORD), 'utf8'));
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as UploadRecord;
    if (record.format !== 1 || typeof record.key !== 'string') return null;
    return key === undefined || record.key === key ? record : null;
  } catch {
    return null;
  }
}

/** Stores a part, replacing any earlier part with the same number. Fs errors. */
export async function storePart(
  dir: string,
  partNumber: number,
  body: Buffer | readonly Buffer[],
  md5Hex: string,
): Promise<void> {
  const name = partName(partNumber, md5Hex);
  await writeDurable(join(dir, name), body);
  for (const other of await readdir(dir)) {
    if (other !== name && partNumberOf(other) === partNumber) await rm(join(dir, other), { force: true });
  }
}

/**
 * The stored files of the parts a completion names, checked as S3 checks them: InvalidPartOrder
 * (numbers not ascending), InvalidPart (no such part, or another ETag), EntityTooSmall (a part
 * other than the last under 5 MiB), EntityTooLarge (over 5 TiB in all), MalformedXML (no parts).
 */
export async function chooseParts(
  dir: string,
  parts: CompleteMultipartInput['parts'],
): Promise<ChosenPart[]> {
  if (parts.length === 0) throw storageErrorOf('MalformedXML', 'a completion must name at least one part');
  parts.forEach((part, i) => {
    if (i > 0 && part.partNumber <= parts[i - 1]!.partNumber) {
      throw storageErrorOf(
        'InvalidPartOrder',
        `part ${part.partNumber} follows part ${parts[i - 1]!.partNumber}`,
      );
    }
  });
  const chosen: ChosenPart[] = [];
  for (const part of parts) {
    const md5Hex = bareEtag(part.etag);
    const valid = /^[0-9a-f]{32}$/.test(md5Hex) && Number.isInteger(part.partNumber);
    const path = join(dir, valid ? partName(part.partNumber, md5Hex) : 'none');
    const info = valid ? await unlessMissing(stat(path)) : null;
    if (info === null)
      throw storageErrorOf('InvalidPart', `part ${part.partNumber} with ETag ${part.etag} is not stored`);
    chosen.push({ path, size: info.size, md5Hex });
  }
  chosen.slice(0, -1).forEach((part, i) => {
    if (part.size < S3_LIMITS.minPartBytes) {
      throw storageErrorOf('EntityTooSmall', `part ${parts[i]!.partNumber} is ${part.size} bytes`);
    }
  });
  checkObjectSize(chosen.reduce((total, part) => total + part.size, 0));
  return chosen;
}

/**
 * Renames the chosen part files, in order, into a new temporary folder in `targetDir` (on the
 * upload's file system) as 00001, 00002...; returns it with the object's ETag and size. InvalidPart
 * when a part was replaced or removed meanwhile (the parts already moved are moved back). Fs errors.
 */
export async function gatherParts(
  targetDir: string,
  parts: ChosenPart[],
): Promise<{ folder: TempFolder; etag: string; size: number }> {
  const folder = await TempFolder.create(targetDir);
  try {
    for (const [i, part] of parts.entries()) await folder.adopt(part.path, pieceName(i + 1));
  } catch (error) {
    await folder.discard();
    if (errnoOf(error) === 'ENOENT') throw storageErrorOf('InvalidPart', 'a part was replaced meanwhile');
    throw error;
  }
  const size = parts.reduce((total, part) => total + part.size, 0);
  return { folder, etag: multipartEtag(parts.map((part) => part.md5Hex)), size };
}

/**
 * The ETag a completion naming `parts` gives, when every part ETag is a plain MD5 (else null):
 * an object that already has it was completed from these very parts.
 */
export function completionEtag(parts: CompleteMultipartInput['parts']): string | null {
  const md5s = parts.map((part) => bareEtag(part.etag));
  return md5s.length > 0 && md5s.every((md5) => /^[0-9a-f]{32}$/.test(md5)) ? multipartEtag(md5s) : null;
}

/**
 * Removes an upload's folder, its record first so that the upload is gone at once even if the
 * removal of its parts is cut short (open() removes folders without a record). Nothing happens
 * when there is no such upload.
 */
export async function removeUpload(bucketPath: string, uploadId: string): Promise<void> {
  const dir = uploadDir(bucketPath, uploadId);
  if (dir === null) return;
  await rm(join(dir, UPLOAD_RECORD), { force: true });
  await rm(dir, { recursive: true, force: true });
}

/** Unfinished uploads whose key starts with `prefix`, by key then start time. Fs errors. */
export async function listUploads(
  bucketPath: string,
  prefix: string,
): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
  const ids = (await unlessMissing(readdir(join(bucketPath, UPLOADS_DIR)))) ?? [];
  const found = [];
  for (const uploadId of ids) {
    const record = await readUpload(bucketPath, uploadId);
    if (record?.key.startsWith(prefix))
      found.push({ key: record.key, uploadId, initiated: new Date(record.initiated) });
  }
  return found.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime());
}
