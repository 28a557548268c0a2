import type {
  AccountRecord,
  BucketRecord,
  JobEventRecord,
  JobRecord,
  LocationCode,
  ProgressCode,
  ShippingLabelRecord,
} from './records.js';

/** Which states a guarded job update may start from; an omitted list means "any". */
export interface JobStateGuard {
  location?: readonly LocationCode[];
  progress?: readonly ProgressCode[];
  canceled?: boolean;
}

/** Columns a transition may change (jobId, owner and createdAt never change). */
export type JobPatch = Partial<Omit<JobRecord, 'jobId' | 'owner' | 'createdAt' | 'updatedAt'>>;

/** The history line written with a change; seq and state are filled in by the store. */
export interface JobEventInput {
  event: string;
  at: Date;
  actor: string;
  detail?: string | null;
}

export type AccountPatch = Partial<Pick<AccountRecord, 'name' | 'emails' | 'signedUp' | 'problem'>>;

export interface ListJobsQuery {
  owner: string;
  /** Start after this job (newest first, so: jobs created before it). */
  afterJobId?: string;
  limit: number;
}

export type CreateJobOutcome = { ok: true; job: JobRecord } | { ok: false; reason: 'quota' | 'duplicate-id' };

/**
 * The database port. Every method is atomic: a multi-row change runs in one transaction,
 * so a crash never leaves half an account, bucket or job.
 */
export interface Store {
  /** Applies pending numbered migrations (forward only). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  insertAccount(account: AccountRecord): Promise<void>;
  getAccount(accessKeyId: string): Promise<AccountRecord | null>;
  /** Accounts that registered this (lower-cased) address. */
  findAccountsByEmail(email: string): Promise<AccountRecord[]>;
  updateAccount(accessKeyId: string, patch: AccountPatch): Promise<AccountRecord | null>;
  listAccounts(): Promise<AccountRecord[]>;

  /** Inserts a bucket; false when the name is taken. */
  insertBucket(bucket: BucketRecord): Promise<boolean>;
  getBucket(name: string): Promise<BucketRecord | null>;
  /** Adds a write grant (idempotent); null when the bucket does not exist. */
  grantBucket(name: string, accessKeyId: string): Promise<BucketRecord | null>;
  listBuckets(): Promise<BucketRecord[]>;

  /**
   * Inserts a job and its first history line, unless the owner already created `quota.limit`
   * jobs since `quota.since` (checked under a lock on the account row) or the ID exists.
   */
  createJob(
    job: JobRecord,
    event: JobEventInput,
    quota: { limit: number; since: Date },
  ): Promise<CreateJobOutcome>;
  getJob(jobId: string): Promise<JobRecord | null>;
  /** Jobs of one owner, newest first. */
  listJobs(query: ListJobsQuery): Promise<JobRecord[]>;
  /**
   * Guarded update: changes the job only if its current state matches `guard`, and appends
   * the history line in the same transaction. Null when the guard refused (or no such job).
   */
  transitionJob(
    jobId: string,
    guard: JobStateGuard,
    patch: JobPatch,
    event: JobEventInput,
  ): Promise<JobRecord | null>;
  /** Jobs matching the guard whose createdAt is before `createdBefore` (for expiry). */
  findJobsCreatedBefore(guard: JobStateGuard, createdBefore: Date, limit: number): Promise<JobRecord[]>;
  jobHistory(jobId: string): Promise<JobEventRecord[]>;

  /** Inserts a label and its job list in one transaction; a taken label ID is a database error. */
  insertShippingLabel(label: ShippingLabelRecord): Promise<void>;
  /** The label with its jobs in the order given at insertion, or null. */
  getShippingLabel(labelId: string): Promise<ShippingLabelRecord | null>;
}
