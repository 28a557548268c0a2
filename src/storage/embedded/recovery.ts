import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unlessMissing } from './durable-files.js';
import {
  dataName,
  hashOfData,
  hashOfSidecar,
  isFanoutName,
  sidecarName,
  TEMP_PREFIX,
  UPLOAD_RECORD,
  UPLOADS_DIR,
} from './layout.js';
import { bareEtag } from './rules.js';
import { readRecord } from './sidecar.js';

/** What a sweep removed, for logs and tests. */
export interface SweepReport {
  tempFiles: number;
  orphanData: number;
  damagedSidecars: number;
  brokenUploads: number;
}

/**
 * How old a leftover must be before a sweep removes it. Several processes may use one store (the
 * server, a station's load, `longshore objects`): a temporary file, an uncommitted data file or an
 * upload folder younger than this may belong to a live writer in another process.
 */
export const SWEEP_GRACE_MS = 15 * 60 * 1000;

/** True when `path` was last changed more than `SWEEP_GRACE_MS` ago (false when it is gone). */
async function stale(path: string): Promise<boolean> {
  const stat = await unlessMissing(lstat(path));
  return stat !== null && Date.now() - stat.mtimeMs > SWEEP_GRACE_MS;
}

/**
 * Removes what a crash can leave behind, before the store serves anything: temporary files and
 * folders (a multipart completion gathers its parts in one), data files and folders that no
 * sidecar names, sidecars that are damaged or name no bytes, and upload folders without their
 * record. Leftovers younger than SWEEP_GRACE_MS are kept: they may be another process's writes in
 * flight, and readers never see them anyway. Fs errors.
 */
export async function sweepStore(root: string): Promise<SweepReport> {
  const report: SweepReport = { tempFiles: 0, orphanData: 0, damagedSidecars: 0, brokenUploads: 0 };
  const buckets = (await unlessMissing(readdir(root, { withFileTypes: true }))) ?? [];
  for (const bucket of buckets) {
    if (!bucket.isDirectory() || bucket.name.startsWith('.')) continue;
    const bucketPath = join(root, bucket.name);
    for (const name of await readdir(bucketPath)) {
      if (isFanoutName(name)) await sweepFanout(join(bucketPath, name), report);
    }
    await sweepUploads(join(bucketPath, UPLOADS_DIR), report);
  }
  return report;
}

/** Groups a folder's names by key hash: the sidecar (if any) and the data files or folders. */
function groupByHash(names: string[]): Map<string, { sidecar: boolean; data: string[] }> {
  const groups = new Map<string, { sidecar: boolean; data: string[] }>();
  const groupOf = (hash: string) => {
    const group = groups.get(hash) ?? { sidecar: false, data: [] };
    groups.set(hash, group);
    return group;
  };
  for (const name of names) {
    const sidecarHash = hashOfSidecar(name);
    if (sidecarHash !== null) groupOf(sidecarHash).sidecar = true;
    const dataHash = hashOfData(name);
    if (dataHash !== null) groupOf(dataHash).data.push(name);
  }
  return groups;
}

/**
 * One fan-out folder. A sidecar with exactly one data file or folder is the normal state and is
 * not read (a put removes the replaced bytes only after committing the sidecar, so a crash leaves
 * two). A folder is removed recursively; a removal cut short by a crash is finished next time.
 */
async function sweepFanout(dir: string, report: SweepReport): Promise<void> {
  const names = await readdir(dir);
  for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
    if (!(await stale(join(dir, name)))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    report.tempFiles += 1;
  }
  for (const [hash, group] of groupByHash(names)) {
    if (group.sidecar && group.data.length === 1) continue;
    const record = group.sidecar ? await readRecord(dir, hash) : null;
    const keep = record === null ? null : dataName(hash, bareEtag(record.etag));
    for (const data of group.data.filter((name) => name !== keep)) {
      if (!(await stale(join(dir, data)))) continue;
      await rm(join(dir, data), { recursive: true, force: true });
      report.orphanData += 1;
    }
    if (group.sidecar && (keep === null || !group.data.includes(keep))) {
      await rm(join(dir, sidecarName(hash)), { force: true });
      report.damagedSidecars += 1;
    }
  }
}

/** Upload folders: temporary files inside them, and folders whose record never got written. */
async function sweepUploads(uploadsPath: string, report: SweepReport): Promise<void> {
  for (const uploadId of (await unlessMissing(readdir(uploadsPath))) ?? []) {
    const dir = join(uploadsPath, uploadId);
    const names = (await unlessMissing(readdir(dir))) ?? [];
    if (!names.includes(UPLOAD_RECORD)) {
      if (!(await stale(dir))) continue;
      await rm(dir, { recursive: true, force: true });
      report.brokenUploads += 1;
      continue;
    }
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      if (!(await stale(join(dir, name)))) continue;
      await rm(join(dir, name), { force: true });
      report.tempFiles += 1;
    }
  }
}
