import { mkdirSync } from 'node:fs';
import { rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  syncDir,
  tempPath,
  TempFile,
  unlessMissing,
  writeDurable,
  type PendingBytes,
} from './durable-files.js';
import type { GroupFlush } from './group-flush.js';
import type { ObjectStager } from './object-stager.js';
import { bucketDir, dataName, dataNameAround, fanoutDir, keyHash, sidecarName } from './layout.js';
import { closeAll, isInTheWay, openBytes, storedSize } from './object-bytes.js';
import { badDigest, bareEtag } from './rules.js';
import { readRecord, recordTextAround, serializeRecord, type ObjectRecord } from './sidecar.js';

/*
 * One object's files. The sidecar is the commit point: a new object's bytes (a data file, or for a
 * multipart object a data folder of its parts) are put in place under a name that carries their
 * ETag (renamed there, or written there by the stager), and only then does the new sidecar
 * replace the old one. A crash at any step leaves
 * the old object whole (old sidecar, old bytes) or the new one whole; the bytes of the loser are a
 * data file or folder that no sidecar names, which readers ignore and open() removes (a folder
 * whose removal was cut short included: readers never follow a sidecar to it). Writers of the
 * same key must hold the store's per-key lock around commit and remove.
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
  const created = mkdirSync(loc.dir, { recursive: true });
  if (created !== undefined) await syncDir(bucketDir(root, bucket));
}

/**
 * The object's record and open handles on its bytes (one file, or each part of a folder in
 * order), or null when there is no whole object: no sidecar, a damaged one, or bytes whose size
 * differs from it. A concurrent overwrite can remove the bytes between reading the sidecar and
 * opening them, so a failure whose sidecar has changed meanwhile is tried again.
 */
export async function openObject(
  loc: ObjectLocation,
): Promise<{ record: ObjectRecord; handles: FileHandle[] } | null> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const record = await readRecord(loc.dir, loc.hash);
    if (record === null) return null;
    const opened = await openBytes(dataPath(loc, record));
    if (opened?.size === record.size) return { record, handles: opened.handles };
    if (opened !== null) await closeAll(opened.handles);
    if (!(await sidecarMoved(loc, record))) return null;
  }
  return null;
}

/** The object's record when it is whole (see openObject; sizes are checked without opening), else null. */
export async function findObject(loc: ObjectLocation): Promise<ObjectRecord | null> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const record = await readRecord(loc.dir, loc.hash);
    if (record === null) return null;
    if ((await storedSize(dataPath(loc, record))) === record.size) return record;
    if (!(await sidecarMoved(loc, record))) return null;
  }
  return null;
}

/** True when the sidecar no longer names the bytes `seen` named (an overwrite or removal ran meanwhile). */
async function sidecarMoved(loc: ObjectLocation, seen: ObjectRecord): Promise<boolean> {
  const now = await readRecord(loc.dir, loc.hash);
  return now !== null && bareEtag(now.etag) !== bareEtag(seen.etag);
}

/**
 * Moves the finished bytes `pending` (a temporary file or folder) into place as the object
 * described by `record`, then commits the sidecar and removes the bytes of the object it replaced
 * (a folder recursively). A key with no object is committed with the group's flushes (see
 * commitNewObject); without a group, or over an object, fsync by fsync. Caller holds the key lock.
 */
export async function commitObject(
  loc: ObjectLocation,
  pending: PendingBytes,
  record: ObjectRecord,
  group: GroupFlush | null,
): Promise<void> {
  const previous = await readRecord(loc.dir, loc.hash);
  if (previous === null) {
    await commitNewObject(loc, pending, record, group);
    return;
  }
  const sameBytes = bareEtag(previous.etag) === bareEtag(record.etag);
  await pending.seal();
  await placeBytes(loc, pending, record, sameBytes);
  // The bytes are durable under their name before a sidecar names them: the old object stays whole.
  await syncDir(loc.dir);
  await writeDurable(join(loc.dir, sidecarName(loc.hash)), serializeRecord(record));
  if (!sameBytes) await rm(dataPath(loc, previous), { recursive: true, force: true });
}

/**
 * A key with no object: there is no old object to keep whole, only the order to keep. The bytes
 * and the sidecar are written under temporary names and made durable, then renamed into place
 * (bytes first) and the names made durable, before the put is acknowledged. With a group, each of
 * the two steps is one flush of the file system shared with every put in flight; without one, the
 * two files are fsynced side by side and the folder once. A crash before the end leaves temporary
 * files, bytes that no sidecar names, or (where the file system keeps the later rename of the two)
 * a sidecar whose bytes are missing: the sweep removes them all and readers see no object.
 */
async function commitNewObject(
  loc: ObjectLocation,
  pending: PendingBytes,
  record: ObjectRecord,
  group: GroupFlush | null,
): Promise<void> {
  const sidecar = await TempFile.holding(loc.dir, serializeRecord(record));
  try {
    if (group === null) {
      await sealBoth(pending, sidecar);
    } else {
      pending.finish();
      sidecar.finish();
      await group.flush();
    }
    await placeBytes(loc, pending, record, false);
    await sidecar.place(join(loc.dir, sidecarName(loc.hash)));
    await (group === null ? syncDir(loc.dir) : group.flush());
  } catch (error) {
    await sidecar.discard();
    throw error;
  }
}

/**
 * commitNewObject's order with group flushes, the files made by the stager's worker thread: the
 * bytes straight under their name (a data file no sidecar names is no object, and the sweep
 * removes it after a crash), the sidecar under a temporary name, renamed once the first flush
 * has made both durable. The worker also computes the body's MD5, which names the bytes and is
 * the ETag, and checks it against `claimedMd5Hex` when given (BadDigest). Resolves with the MD5
 * (hex), or null, having written nothing, when the key has an object or its bytes' name is taken:
 * the caller then commits with commitObject. Caller holds the key lock.
 */
export async function commitStagedObject(
  loc: ObjectLocation,
  body: Uint8Array | readonly Uint8Array[],
  record: Omit<ObjectRecord, 'etag'>,
  claimedMd5Hex: string | undefined,
  { stager, group }: { stager: ObjectStager; group: GroupFlush },
): Promise<string | null> {
  const sidecarPath = join(loc.dir, sidecarName(loc.hash));
  const sidecarTemp = tempPath(loc.dir);
  const [before, after] = dataNameAround(loc.hash);
  const staged = await stager.stage({
    dir: loc.dir,
    sidecarPath,
    dataPath: [join(loc.dir, before), after],
    sidecarTemp,
    sidecar: recordTextAround(record),
    body,
    ...(claimedMd5Hex === undefined ? {} : { md5Hex: claimedMd5Hex }),
  });
  if (staged.outcome !== 'staged') {
    if (staged.outcome === 'bad-digest') throw badDigest();
    return null;
  }
  try {
    await group.flush();
    await stager.place([[sidecarTemp, sidecarPath]]);
    await group.flush();
  } catch (error) {
    await stager.discard([staged.dataPath, sidecarTemp]);
    throw error;
  }
  return staged.md5Hex;
}

/** fsyncs two pending writes side by side; throws the first failure once both have ended. */
async function sealBoth(first: PendingBytes, second: PendingBytes): Promise<void> {
  const sealed = await Promise.allSettled([first.seal(), second.seal()]);
  const failed = sealed.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/**
 * Renames the sealed `pending` to the data name. A file replaces a file of that name in one step;
 * a folder cannot replace a folder that has files, so: when the current object has these very
 * bytes (same ETag) and they are whole, they stay and `pending` is discarded; anything else there
 * is a leftover no sidecar names whole, which is moved aside (a temporary name the sweep removes
 * after a crash), replaced, and removed once the folder is synced.
 */
async function placeBytes(
  loc: ObjectLocation,
  pending: PendingBytes,
  record: ObjectRecord,
  sameBytes: boolean,
): Promise<void> {
  const target = dataPath(loc, record);
  try {
    await pending.place(target);
    return;
  } catch (error) {
    if (!isInTheWay(error)) throw error;
  }
  if (sameBytes && (await storedSize(target)) === record.size) {
    await pending.discard();
    return;
  }
  const aside = tempPath(loc.dir);
  await rename(target, aside);
  await pending.place(target);
  await syncDir(loc.dir);
  await rm(aside, { recursive: true, force: true });
}

/** Removes the object, sidecar first; nothing happens when there is none. Caller holds the key lock. */
export async function removeObject(loc: ObjectLocation): Promise<void> {
  const previous = await readRecord(loc.dir, loc.hash);
  const removed = await unlessMissing(rm(join(loc.dir, sidecarName(loc.hash))));
  if (removed === null) return;
  await syncDir(loc.dir);
  if (previous !== null) await rm(dataPath(loc, previous), { recursive: true, force: true });
}
