// The loader engine of the loading station: copies every file of an inspected device into the
// job's bucket, writes the import log, checkpoints, resumes after a crash, stops on a cancel.
//
// In short (details in the files named):
// - walk-loader.ts: device reads are sequential in walk order; uploads overlap in the background,
//   bounded by `concurrency` files and `maxInFlightBytes` of bodies (quota.ts). Files up to
//   `singlePutMax` go as one PUT with Content-MD5 (single-put.ts); bigger ones up to
//   `streamPutMax`, to a store that takes them, as one PUT streamed as it is read and checked by
//   the ETag answered (stream-put.ts); the rest as multipart, each part protected by its signed
//   SHA-256 and the object checked by HEAD (multipart.ts). Every object is checked against the
//   MD5 or multipart ETag of the bytes read.
// - retry.ts: 500/503/SlowDown/RequestTimeout/connection resets (and BadDigest) are retried with
//   full-jitter backoff; what retries cannot cure is the file's log row. Unreadable files are
//   508 rows; a device-scope error stops the load (runLoad rejects, the log is kept).
// - log-book.ts, journal.ts, local-state.ts, checkpointer.ts: crash safety. The local log
//   (`<workDir>/loads/<JOBID>/import-log.csv`) is the truth, the control plane's checkpoint a
//   floor; the started journal names the files that may be in the bucket without a row.
// - run-load.ts: the counting walk (totals for the progress bar), the main walk, the final
//   checkpoint, the log upload and finishLoad; cancel and interruption.

export { runLoad } from './run-load.js';
/** The loader's public types: options, progress events, summary. */
export type {
  LoadOptions,
  LoadOutcome,
  LoadProgress,
  LoadProgressEvent,
  LoadSummary,
  LoadTotals,
  LogLocation,
  OpenedVolume,
  RetryPolicy,
} from './types.js';
export { DEFAULT_RETRY, partSizeFor } from './settings.js';
export { loadDir } from './local-state.js';
export { logLocationOf } from './log-upload.js';
export { openTicketVolume } from './volume.js';
