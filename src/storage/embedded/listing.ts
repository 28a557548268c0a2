import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListedObject } from '../port.js';
import { unlessMissing } from './durable-files.js';
import { dataName, hashOfSidecar, isFanoutName } from './layout.js';
import { storedSize } from './object-bytes.js';
import { bareEtag } from './rules.js';
import { readRecord, toListed } from './sidecar.js';

/** Largest page listObjects returns, as S3's ListObjectsV2 default. */
export const LIST_PAGE_SIZE = 1000;

/**
 * A folder whose mtime is this close to the moment it was scanned may change again without its
 * mtime moving (file system timestamps are coarse), so its scan is not trusted next time.
 */
const RACY_WINDOW_NS = 1_000_000_000n;
/** How many sidecars of one folder are read at once. */
const READ_BATCH = 64;

/**
 * Orders keys as S3 does, by their UTF-8 bytes, which is code point order. JavaScript compares
 * UTF-16 units, which puts U+E000..U+FFFF after the surrogates of astral characters; this shifts
 * the two ranges back into code point order.
 */
export function compareKeys(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

interface FolderScan {
  mtimeNs: bigint;
  trusted: boolean;
  objects: ListedObject[];
}

/**
 * The sorted list of a bucket's whole objects, kept between calls. Each of the 256 fan-out folders
 * is re-read only when its mtime moved (any create, rename or removal in it moves it), so a page
 * costs 256 stat calls plus a binary search while nothing changes. Scaling limit: the list is held
 * in memory (a few hundred bytes per object), and a change anywhere re-reads that folder's sidecars
 * and re-sorts the whole list, so listing a bucket of millions of objects while it is being written
 * is slow; writes from another process are seen too, because only mtimes are trusted.
 */
export class BucketListing {
  private readonly folders = new Map<string, FolderScan>();
  private sorted: ListedObject[] = [];

  constructor(private readonly bucketPath: string) {}

  /** Up to `limit` objects whose key starts with `prefix` and sorts after `startAfter`. Fs errors. */
  async page(
    prefix: string,
    startAfter = '',
    limit = LIST_PAGE_SIZE,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }> {
    const all = await this.refresh();
    const floor = compareKeys(startAfter, prefix) >= 0 ? startAfter : prefix;
    let index = firstAbove(all, floor, floor === startAfter && startAfter !== '');
    const objects: ListedObject[] = [];
    while (index < all.length && objects.length < limit && all[index]!.key.startsWith(prefix)) {
      objects.push({ ...all[index]! });
      index += 1;
    }
    const truncated = index < all.length && all[index]!.key.startsWith(prefix);
    return { objects, truncated };
  }

  /** Re-reads changed folders and returns the sorted list. */
  private async refresh(): Promise<ListedObject[]> {
    const names = ((await unlessMissing(readdir(this.bucketPath))) ?? []).filter(isFanoutName);
    let changed = false;
    for (const gone of [...this.folders.keys()].filter((name) => !names.includes(name))) {
      this.folders.delete(gone);
      changed = true;
    }
    for (const name of names) {
      if (await this.rescanIfChanged(name)) changed = true;
    }
    if (changed) {
      this.sorted = [...this.folders.values()].flatMap((folder) => folder.objects);
      this.sorted.sort((a, b) => compareKeys(a.key, b.key));
    }
    return this.sorted;
  }

  private async rescanIfChanged(name: string): Promise<boolean> {
    const path = join(this.bucketPath, name);
    const before = await unlessMissing(stat(path, { bigint: true }));
    if (before === null) return this.folders.delete(name);
    const cached = this.folders.get(name);
    if (cached?.trusted && cached.mtimeNs === before.mtimeNs) return false;
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    const objects = await scanFolder(path);
    const trusted = before.mtimeNs < startedNs - RACY_WINDOW_NS;
    this.folders.set(name, { mtimeNs: before.mtimeNs, trusted, objects });
    return true;
  }
}

/** Index of the first entry above `floor` (or at it, unless `exclusive`). */
function firstAbove(all: readonly ListedObject[], floor: string, exclusive: boolean): number {
  let low = 0;
  let high = all.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareKeys(all[middle]!.key, floor);
    if (order < 0 || (exclusive && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The whole objects of one fan-out folder: sidecars that are well formed and name bytes (a data
 * file, or a data folder of parts) of their size.
 */
async function scanFolder(path: string): Promise<ListedObject[]> {
  const names = (await unlessMissing(readdir(path))) ?? [];
  const present = new Set(names);
  const hashes = names.map(hashOfSidecar).filter((hash): hash is string => hash !== null);
  const objects: ListedObject[] = [];
  for (let start = 0; start < hashes.length; start += READ_BATCH) {
    const batch = hashes.slice(start, start + READ_BATCH);
    const found = await Promise.all(batch.map((hash) => readWholeObject(path, hash, present)));
    for (const object of found) if (object !== null) objects.push(object);
  }
  return objects;
}

async function readWholeObject(
  dir: string,
  hash: string,
  present: Set<string>,
): Promise<ListedObject | null> {
  const record = await readRecord(dir, hash);
  if (record === null) return null;
  const data = dataName(hash, bareEtag(record.etag));
  if (!present.has(data)) return null;
  return (await storedSize(join(dir, data))) === record.size ? toListed(record) : null;
}
