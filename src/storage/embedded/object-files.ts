import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, TempFile, unlessMissing, writeDurable } from './durable-files.js';
import { bucketDir, dataName, fanoutDir, keyHash, sidecarName } from './layout.js';
import { bareEtag } from './rules.js';
import { readRecord, serializeRecord, type ObjectRecord } from './sidecar.js';

/*
 * One object's files. The sidecar is the commit point: a new object's bytes are renamed into place
 * under a name that carries their ETag, and only then does the new sidecar replace the old one. A
 * crash at any step leaves the old object whole (old sidecar, old bytes) or the new one whole; the
 * bytes of the loser are a data file that no sidecar names, which readers ignore and open() removes.
 * Writers of the same key must hold the store's per-key lock around commit and remove.
 */

/** Where the files of one key live. */
export interface ObjectLocation {
  dir: string;
  hash: string;
}

/** The location of `key` in `bucket`. */
export function locate(root: string, bucket: string, key: string): ObjectLocation {
  const hash = keyHash(key);
  return { dir: fanoutDir(root, bucket, hash), hash };
}

/** The path of the bytes a record names. */
function dataPath(loc: ObjectLocation, record: ObjectRecord): string {
  return join(loc.dir, dataName(loc.hash, bareEtag(record.etag)));
}

/** Creates the fan-out folder if needed, making its creation durable. */
export async function ensureFanout(root: string, bucket: string, loc: ObjectLocation): Promise<void> {
  const created = await mkdir(loc.dir, { recursive: true });
  if (created !== undefined) await syncDir(bucketDir(root, bucket));
}

/**
 * The object's record and an open handle on its bytes, or null when there is no whole object: no
 * sidecar, a damaged one, or bytes whose size differs from it. A concurrent overwrite can remove
 * the bytes between reading the sidecar and opening them, so that case reads the sidecar again.
 */
export async function openObject(
  loc: ObjectLocation,
): Promise<{ record: ObjectRecord; handle: FileHandle } | null> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const record = await readRecord(loc.dir, loc.hash);
    if (record === null) return null;
    const handle = await unlessMissing(open(dataPath(loc, record), 'r'));
    if (handle === null) continue;
    const { size } = await handle.stat();
    if (size === record.size) return { record, handle };
    await handle.close();
    return null;
  }
  return null;
}

/** The object's record when it is whole (see openObject), else null. */
export async function findObject(loc: ObjectLocation): Promise<ObjectRecord | null> {
  const opened = await openObject(loc);
  if (opened === null) return null;
  await opened.handle.close();
  return opened.record;
}

/**
 * Moves the finished temporary file `temp` into place as the object described by `record`, then
 * commits the sidecar and removes the bytes of the object it replaced. Caller holds the key lock.
 */
export async function commitObject(loc: ObjectLocation, temp: TempFile, record: ObjectRecord): Promise<void> {
  const previous = await readRecord(loc.dir, loc.hash);
  await temp.commit(dataPath(loc, record));
  await writeDurable(join(loc.dir, sidecarName(loc.hash)), serializeRecord(record));
  if (previous !== null && bareEtag(previous.etag) !== bareEtag(record.etag)) {
    await rm(dataPath(loc, previous), { force: true });
  }
}

/** Removes the object, sidecar first; nothing happens when there is none. Caller holds the key lock. */
export async function removeObject(loc: ObjectLocation): Promise<void> {
  const previous = await readRecord(loc.dir, loc.hash);
  const removed = await unlessMissing(rm(join(loc.dir, sidecarName(loc.hash))));
  if (removed === null) return;
  await syncDir(loc.dir);
  if (previous !== null) await rm(dataPath(loc, previous), { force: true });
}
