import { entryOf, type CodeName } from '../../catalog/index.js';
import type { DeviceEntry } from '../../devices/port.js';
import type { PlannedFailure, PlannedSkip, PlannedUpload } from '../plan/index.js';
import type { ImportLogRow } from './rows.js';

// Builders of import-log rows from the planner's decisions and from upload outcomes. The Key
// column is `bucket/key` like the original service's rows (reference §5.1, `myawsbucket/Notice.txt`),
// filled whenever a key was computed, so a failed row says where the file would have gone.

/** Where the job's objects go, and when the row is written (default: now). */
export interface RowContext {
  bucket: string;
  at?: Date;
}

/** What became of an upload the planner asked for. */
export type UploadOutcome =
  /** Stored: the MD5 of the file's bytes, their count, and the Content-Type actually sent. */
  | { ok: true; md5Hex: string; bytes: number; contentType: string }
  /**
   * Not stored: ReadError (the device failed mid-file) or the storage's S3 code (AccessDenied,
   * BadDigest, SlowDown after retries...). The code's catalog logStatus becomes the Status.
   */
  | { ok: false; code: CodeName; md5Hex?: string; bytes?: number; contentType?: string };

type EntryFacts = Pick<DeviceEntry, 'path' | 'size'>;

/** The row of a file the planner skipped (103 Ignored) or failed (400/508). */
export function rowForPlan(
  entry: EntryFacts,
  plan: PlannedSkip | PlannedFailure,
  ctx: RowContext,
): ImportLogRow {
  const key = plan.action === 'fail' && plan.key !== undefined ? objectColumn(ctx.bucket, plan.key) : '';
  return {
    dateTime: timestamp(ctx.at),
    file: entry.path,
    status: plan.status,
    code: plan.code,
    key,
    md5: '',
    bytes: entry.size,
    contentType: plan.contentType ?? '',
  };
}

/** The row of a planned upload once it ended: 200 OK, or the failure's code and status. */
export function rowForUpload(
  entry: EntryFacts,
  plan: PlannedUpload,
  outcome: UploadOutcome,
  ctx: RowContext,
): ImportLogRow {
  const base = { dateTime: timestamp(ctx.at), file: entry.path, key: objectColumn(ctx.bucket, plan.key) };
  if (outcome.ok) {
    const { md5Hex, bytes, contentType } = outcome;
    return { ...base, status: 200, code: 'OK', md5: md5Hex, bytes, contentType };
  }
  return {
    ...base,
    status: logStatusOf(outcome.code),
    code: outcome.code,
    md5: outcome.md5Hex ?? '',
    bytes: outcome.bytes ?? entry.size,
    contentType: outcome.contentType ?? plan.headers.contentType ?? '',
  };
}

/** The row of a directory whose listing failed (508 ReadError; its files are unknown). */
export function rowForUnlistedDirectory(path: string, ctx: Omit<RowContext, 'bucket'>): ImportLogRow {
  return {
    dateTime: timestamp(ctx.at),
    file: path,
    status: logStatusOf('ReadError'),
    code: 'ReadError',
    key: '',
    md5: '',
    bytes: null,
    contentType: '',
  };
}

/** The Status a code is logged with: its catalog logStatus, else its HTTP status, else 500. */
export function logStatusOf(code: CodeName): number {
  const entry = entryOf(code);
  return entry.logStatus ?? entry.http ?? 500;
}

function objectColumn(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

function timestamp(at: Date | undefined): string {
  return (at ?? new Date()).toISOString();
}
