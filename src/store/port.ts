import type {
  JobLoadProgress,
  JobLoadRecord,
  AccountRecord,
  BucketRecord,
  JobEventRecord,
  JobRecord,
  LocationCode,
  NotifierBacklog,
  OutboxMessage,
  OutboxRecord,
  OutboxState,
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

/** An outbox claim: lease up to `limit` messages due at `now` to `owner` until `leaseUntil`. */
export interface OutboxClaim {
  owner: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
}

export interface ListOutboxQuery {
  state?: OutboxState;
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

  /** Records where the intake found the loadable volume (replaced by a second intake until the load starts). */
  recordIntakeDevice(
    load: Pick<
      JobLoadRecord,
      'jobId' | 'station' | 'devicePath' | 'volumeOffset' | 'fileSystem' | 'warnings'
    >,
  ): Promise<void>;
  getJobLoad(jobId: string): Promise<JobLoadRecord | null>;
  /** Sets the load's start time once; null when the job has no load record. */
  markJobLoadStarted(jobId: string, at: Date): Promise<JobLoadRecord | null>;
  /**
   * Records a load's progress (counters never move back), and its end when `finished` is given.
   * False when the load has not started or has ended.
   */
  checkpointJobLoad(
    jobId: string,
    progress: JobLoadProgress,
    at: Date,
    finished?: { seconds: number } | null,
  ): Promise<boolean>;

  /** Inserts a label and its job list in one transaction; a taken label ID is a database error. */
  insertShippingLabel(label: ShippingLabelRecord): Promise<void>;
  /** The label with its jobs in the order given at insertion, or null. */
  getShippingLabel(labelId: string): Promise<ShippingLabelRecord | null>;

  /** Adds messages to the outbox, pending and due at once, in one transaction. */
  enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void>;
  /**
   * Leases pending messages that are due and not leased by anyone else (or whose lease ran out),
   * earliest due first, and counts the attempt. Two claims never return the same message while its
   * lease runs, in one process or in several sharing the database.
   */
  claimOutbox(claim: OutboxClaim): Promise<OutboxRecord[]>;
  /** pending -> sent, only while `owner` holds the lease; false when it does not. */
  markOutboxSent(id: string, owner: string, sentAt: Date): Promise<boolean>;
  /**
   * Records a failed attempt and releases the lease: pending again, due at `retryAt`, or failed
   * for good when `retryAt` is null. Only while `owner` holds the lease; false when it does not.
   */
  markOutboxFailed(id: string, owner: string, error: string, retryAt: Date | null): Promise<boolean>;
  /** Outbox messages, newest first, of one state or all. */
  listOutbox(query: ListOutboxQuery): Promise<OutboxRecord[]>;

  /**
   * Job history lines after each job's notifier cursor, oldest first (by time), at most `limit`
   * lines, grouped by job in the order of their first line.
   */
  notifierBacklog(limit: number): Promise<NotifierBacklog[]>;
  /**
   * Moves a job's notifier cursor from `from` to `to` and enqueues `messages`, in one transaction.
   * False, with nothing enqueued, when the cursor was not at `from` (another notifier moved it).
   */
  advanceNotifierCursor(
    jobId: string,
    from: number,
    to: number,
    messages: readonly OutboxMessage[],
  ): Promise<boolean>;
  /**
   * Moves many cursors past history that needs no mail, in one transaction: each move only from
   * its `from` (as advanceNotifierCursor). Returns the job IDs whose cursor moved.
   */
  skipNotifierCursors(moves: readonly NotifierCursorMove[]): Promise<string[]>;
}

/** One cursor move of skipNotifierCursors. */
export interface NotifierCursorMove {
  jobId: string;
  from: number;
  to: number;
}
