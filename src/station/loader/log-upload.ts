import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CatalogError } from '../../catalog/index.js';
import type { ImportManifest } from '../../manifest/index.js';
import { putMultipart } from './multipart.js';
import { Quota } from './quota.js';
import { partSizeFor } from './settings.js';
import { putSingle } from './single-put.js';
import { FilePartReader } from './file-part-reader.js';
import type { LogLocation } from './types.js';
import { NEVER, type ObjectSource, type UploadContext } from './upload-context.js';

// The finished (or canceled) load's import log goes to `logBucket/[logPrefix]import-log-<JOBID>.csv`
// (DECISIONS §6; logBucket defaults to the import bucket in the manifest), with the same retries
// and checks as the files. It is sent even while the load is stopping (a cancel still uploads it).

/** Parts of the import log (grown for a log over 80 GB, see partSizeFor). */
const LOG_PART_BYTES = 8 * 1024 * 1024;

/** Where the log of `jobId` goes. */
export function logLocationOf(manifest: ImportManifest, jobId: string): LogLocation {
  const key = `${manifest.logPrefix}import-log-${jobId}.csv`;
  return { bucket: manifest.logBucket, key, url: `s3://${manifest.logBucket}/${key}` };
}

/**
 * Uploads the local log at `logPath` (fsynced, no longer written). Throws the storage error when
 * the store refuses it (e.g. AccessDenied on the log bucket), and fs errors reading it.
 */
export async function uploadImportLog(
  ctx: UploadContext,
  manifest: ImportManifest,
  jobId: string,
  logPath: string,
): Promise<LogLocation> {
  const location = logLocationOf(manifest, jobId);
  const size = (await stat(logPath)).size;
  const src: ObjectSource = {
    path: logPath,
    key: location.key,
    size,
    open: () => createReadStream(logPath, { highWaterMark: 1024 * 1024 }),
    openParts: (partSize) => new FilePartReader(logPath, partSize),
    headersFor: () => ({ contentType: 'text/csv' }),
  };
  // One part in memory at a time, in one reused buffer (FilePartReader needs the budget of
  // exactly one part): the log of a million files is over 100 MB, and the load's whole budget
  // for it lifted the station's memory at the very end (measured: +61 MiB; one part: +38 MiB).
  const partSize = partSizeFor(size, LOG_PART_BYTES);
  const settings = { ...ctx.settings, partSize, singlePutMax: Math.min(ctx.settings.singlePutMax, partSize) };
  const budget = new Quota(partSize);
  const logCtx: UploadContext = {
    ...ctx,
    settings,
    bucket: location.bucket,
    stop: NEVER,
    journal: null,
    budget,
  };
  const upload = size <= settings.singlePutMax ? putSingle : putMultipart;
  const outcome = await upload(logCtx, src, false, () => {});
  if (outcome.kind === 'refused') {
    throw new CatalogError(outcome.code, {}, { reason: `the import log upload: ${outcome.reason}` });
  }
  if (outcome.kind !== 'stored') throw new Error(`the import log ${logPath} could not be uploaded`);
  return location;
}
