import type { JobPatch } from './port.js';
import type {
  AccountRecord,
  BucketRecord,
  JobEventRecord,
  JobRecord,
  JobType,
  LocationCode,
  ProgressCode,
} from './records.js';

/** Rows as both drivers return them (timestamptz -> Date, int -> number, text[] -> string[]). */
export interface AccountRow {
  access_key_id: string;
  secret_ciphertext: string;
  name: string;
  emails: string[];
  signed_up: boolean;
  problem: boolean;
  created_at: Date;
}

export interface BucketRow {
  name: string;
  owner: string;
  region: string;
  grants: string[];
  created_at: Date;
}

export interface JobRow {
  job_id: string;
  owner: string;
  job_type: JobType;
  manifest_text: string;
  signature: string;
  location: LocationCode;
  progress: ProgressCode;
  progress_message: string | null;
  canceled: boolean;
  created_at: Date;
  updated_at: Date;
  expired_at: Date | null;
  carrier: string | null;
  tracking_number: string | null;
  log_bucket: string | null;
  log_key: string | null;
  error_count: number | null;
  last_seq: number;
}

export interface JobEventRow {
  job_id: string;
  seq: number;
  at: Date;
  event: string;
  location: LocationCode;
  progress: ProgressCode;
  canceled: boolean;
  actor: string;
  detail: string | null;
}

/** Column of every field a transition may change; the Record type makes it complete. */
export const JOB_PATCH_COLUMNS: Record<keyof Required<JobPatch>, keyof JobRow> = {
  jobType: 'job_type',
  manifestText: 'manifest_text',
  signature: 'signature',
  location: 'location',
  progress: 'progress',
  progressMessage: 'progress_message',
  canceled: 'canceled',
  expiredAt: 'expired_at',
  carrier: 'carrier',
  trackingNumber: 'tracking_number',
  logBucket: 'log_bucket',
  logKey: 'log_key',
  errorCount: 'error_count',
};

/** Job columns in insert order, with the record field each one comes from. */
export const JOB_INSERT_COLUMNS = [
  ['job_id', 'jobId'],
  ['owner', 'owner'],
  ['job_type', 'jobType'],
  ['manifest_text', 'manifestText'],
  ['signature', 'signature'],
  ['location', 'location'],
  ['progress', 'progress'],
  ['progress_message', 'progressMessage'],
  ['canceled', 'canceled'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['expired_at', 'expiredAt'],
  ['carrier', 'carrier'],
  ['tracking_number', 'trackingNumber'],
  ['log_bucket', 'logBucket'],
  ['log_key', 'logKey'],
  ['error_count', 'errorCount'],
] as const satisfies readonly (readonly [keyof JobRow, keyof JobRecord])[];

/** Row -> record (snake_case columns to the record's fields). */
export function accountFromRow(row: AccountRow): AccountRecord {
  return {
    accessKeyId: row.access_key_id,
    secretCiphertext: row.secret_ciphertext,
    name: row.name,
    emails: row.emails,
    signedUp: row.signed_up,
    problem: row.problem,
    createdAt: row.created_at,
  };
}

/** Row -> record (snake_case columns to the record's fields). */
export function bucketFromRow(row: BucketRow): BucketRecord {
  return {
    name: row.name,
    owner: row.owner,
    region: row.region,
    grants: row.grants,
    createdAt: row.created_at,
  };
}

/** Row -> record (snake_case columns to the record's fields). */
export function jobFromRow(row: JobRow): JobRecord {
  return {
    jobId: row.job_id,
    owner: row.owner,
    jobType: row.job_type,
    manifestText: row.manifest_text,
    signature: row.signature,
    location: row.location,
    progress: row.progress,
    progressMessage: row.progress_message,
    canceled: row.canceled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiredAt: row.expired_at,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    logBucket: row.log_bucket,
    logKey: row.log_key,
    errorCount: row.error_count,
  };
}

/** Row -> record (snake_case columns to the record's fields). */
export function jobEventFromRow(row: JobEventRow): JobEventRecord {
  return {
    jobId: row.job_id,
    seq: row.seq,
    at: row.at,
    event: row.event,
    location: row.location,
    progress: row.progress,
    canceled: row.canceled,
    actor: row.actor,
    detail: row.detail,
  };
}
