import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openEmbeddedStore, type ObjectStore } from '../../../../src/storage/index.js';
import { dataName, fanoutDir, keyHash, sidecarName } from '../../../../src/storage/embedded/layout.js';
import { contentMd5, md5Hex } from '../../../helpers/storage.js';

/** A temporary store root per test, removed afterwards, with the stores opened on it closed. */
export function useStoreRoot(): { root: () => string; open: () => Promise<ObjectStore> } {
  let root = '';
  const opened: ObjectStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    if (root !== '') await rm(root, { recursive: true, force: true });
    root = '';
  });
  return {
    root: () => root,
    open: async () => {
      if (root === '') root = await mkdtemp(join(tmpdir(), 'longshore-embedded-'));
      const store = await openEmbeddedStore(root);
      opened.push(store);
      return store;
    },
  };
}

/** The files of one key, as the embedded layout names them. */
export function filesOf(root: string, bucket: string, key: string) {
  const hash = keyHash(key);
  const dir = fanoutDir(root, bucket, hash);
  return {
    dir,
    sidecar: join(dir, sidecarName(hash)),
    data: (body: Buffer) => join(dir, dataName(hash, md5Hex(body))),
    /** The data file or folder of the object with this ETag (quoted or not). */
    dataOf: (etag: string) => join(dir, dataName(hash, etag.replaceAll('"', ''))),
  };
}

/** Writes bytes where a crashed PUT of `body` would have left its data file, without a sidecar. */
export async function leaveDataFile(
  root: string,
  bucket: string,
  key: string,
  body: Buffer,
): Promise<string> {
  const files = filesOf(root, bucket, key);
  await mkdir(files.dir, { recursive: true });
  const path = files.data(body);
  await writeFile(path, body);
  return path;
}

/** The names in a folder, sorted. */
export async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** PUT with the right Content-MD5. */
export function putBytes(store: ObjectStore, bucket: string, key: string, body: Buffer) {
  return store.putObject({ bucket, key, body, contentMd5: contentMd5(body) });
}

/** Moves every mtime under `root` an hour back: leftovers the sweep's grace period no longer protects. */
export async function ageTree(root: string): Promise<void> {
  const past = new Date(Date.now() - 60 * 60 * 1000);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      await utimes(path, past, past);
    }
  };
  await walk(root);
}
