import type { Account, Bucket, NewAccountKeys } from '../../accounts/index.js';
import type { JobStatusView } from '../../jobs/index.js';
import type { JobEventRecord } from '../../store/index.js';

/** A value as it travels in JSON: dates become ISO-8601 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** Response bodies of the admin API (`/admin/v1`). */
export type AccountCreated = Json<NewAccountKeys>;
export interface AccountResponse {
  account: Json<Account>;
}
export interface AccountListResponse {
  accounts: Json<Account>[];
}
export interface BucketResponse {
  bucket: Json<Bucket>;
}
export interface BucketListResponse {
  buckets: Json<Bucket>[];
}
/** A job as the admin API shows it: everything GetStatus reports, plus the owning account. */
export type AdminJobView = JobStatusView & { owner: string };
/** One line of a job's history (the job ID is the job's own). */
export type AdminJobEvent = Omit<JobEventRecord, 'jobId'>;
export interface JobResponse {
  job: Json<AdminJobView>;
  /** Oldest first. */
  history: Json<AdminJobEvent>[];
}
export interface HealthResponse {
  status: 'ok';
}

/** Every error of the admin API (and of the CLI with --json): `{ "error": { code, message, action } }`. */
export interface ErrorResponse {
  error: { code: string; message: string; action: string };
}

/** Request bodies of the admin API. */
export interface CreateAccountBody {
  emails: string[];
  name?: string;
  signedUp?: boolean;
}
export interface UpdateAccountBody {
  name?: string;
  emails?: string[];
  signedUp?: boolean;
  problem?: boolean;
}
export interface CreateBucketBody {
  name: string;
  owner: string;
}
export interface GrantBucketBody {
  accessKeyId: string;
}
