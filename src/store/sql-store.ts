import * as accounts from './account-sql.js';
import * as buckets from './bucket-sql.js';
import * as jobs from './job-sql.js';
import * as labels from './label-sql.js';
import * as loads from './load-sql.js';
import { migrate } from './migrations/migrate.js';
import * as outbox from './outbox-sql.js';
import type {
  NotifierCursorMove,
  AccountPatch,
  CreateJobOutcome,
  JobEventInput,
  JobPatch,
  JobStateGuard,
  ListJobsQuery,
  ListOutboxQuery,
  OutboxClaim,
  Store,
} from './port.js';
import type {
  AccountRecord,
  BucketRecord,
  JobEventRecord,
  JobLoadProgress,
  JobLoadRecord,
  JobRecord,
  NotifierBacklog,
  OutboxMessage,
  OutboxRecord,
  ShippingLabelRecord,
} from './records.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * The Store over any SqlExecutor: the same SQL runs on embedded PGlite and on PostgreSQL.
 * Database errors propagate unchanged (callers map them to InternalError).
 */
export class SqlStore implements Store {
  constructor(readonly db: SqlExecutor) {}

  migrate(): Promise<void> {
    return migrate(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  insertAccount(account: AccountRecord): Promise<void> {
    return accounts.insertAccount(this.db, account);
  }

  getAccount(accessKeyId: string): Promise<AccountRecord | null> {
    return accounts.getAccount(this.db, accessKeyId);
  }

  findAccountsByEmail(email: string): Promise<AccountRecord[]> {
    return accounts.findAccountsByEmail(this.db, email);
  }

  updateAccount(accessKeyId: string, patch: AccountPatch): Promise<AccountRecord | null> {
    return accounts.updateAccount(this.db, accessKeyId, patch);
  }

  listAccounts(): Promise<AccountRecord[]> {
    return accounts.listAccounts(this.db);
  }

  insertBucket(bucket: BucketRecord): Promise<boolean> {
    return buckets.insertBucket(this.db, bucket);
  }

  getBucket(name: string): Promise<BucketRecord | null> {
    return buckets.getBucket(this.db, name);
  }

  grantBucket(name: string, accessKeyId: string): Promise<BucketRecord | null> {
    return buckets.grantBucket(this.db, name, accessKeyId);
  }

  listBuckets(): Promise<BucketRecord[]> {
    return buckets.listBuckets(this.db);
  }

  createJob(
    job: JobRecord,
    event: JobEventInput,
    quota: { limit: number; since: Date },
  ): Promise<CreateJobOutcome> {
    return jobs.createJob(this.db, job, event, quota);
  }

  getJob(jobId: string): Promise<JobRecord | null> {
    return jobs.getJob(this.db, jobId);
  }

  listJobs(query: ListJobsQuery): Promise<JobRecord[]> {
    return jobs.listJobs(this.db, query);
  }

  transitionJob(
    jobId: string,
    guard: JobStateGuard,
    patch: JobPatch,
    event: JobEventInput,
  ): Promise<JobRecord | null> {
    return jobs.transitionJob(this.db, jobId, guard, patch, event);
  }

  findJobsCreatedBefore(guard: JobStateGuard, createdBefore: Date, limit: number): Promise<JobRecord[]> {
    return jobs.findJobsCreatedBefore(this.db, guard, createdBefore, limit);
  }

  jobHistory(jobId: string): Promise<JobEventRecord[]> {
    return jobs.jobHistory(this.db, jobId);
  }

  recordIntakeDevice(
    load: Pick<
      JobLoadRecord,
      'jobId' | 'station' | 'devicePath' | 'volumeOffset' | 'fileSystem' | 'warnings'
    >,
  ): Promise<void> {
    return loads.recordIntakeDevice(this.db, load);
  }

  getJobLoad(jobId: string): Promise<JobLoadRecord | null> {
    return loads.getJobLoad(this.db, jobId);
  }

  markJobLoadStarted(jobId: string, at: Date): Promise<JobLoadRecord | null> {
    return loads.markJobLoadStarted(this.db, jobId, at);
  }

  checkpointJobLoad(
    jobId: string,
    progress: JobLoadProgress,
    at: Date,
    finished: { seconds: number } | null = null,
  ): Promise<boolean> {
    return loads.checkpointJobLoad(this.db, jobId, progress, at, finished);
  }

  insertShippingLabel(label: ShippingLabelRecord): Promise<void> {
    return labels.insertShippingLabel(this.db, label);
  }

  getShippingLabel(labelId: string): Promise<ShippingLabelRecord | null> {
    return labels.getShippingLabel(this.db, labelId);
  }

  enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void> {
    return outbox.enqueueOutbox(this.db, messages);
  }

  claimOutbox(claim: OutboxClaim): Promise<OutboxRecord[]> {
    return outbox.claimOutbox(this.db, claim);
  }

  markOutboxSent(id: string, owner: string, sentAt: Date): Promise<boolean> {
    return outbox.markOutboxSent(this.db, id, owner, sentAt);
  }

  markOutboxFailed(id: string, owner: string, error: string, retryAt: Date | null): Promise<boolean> {
    return outbox.markOutboxFailed(this.db, id, owner, error, retryAt);
  }

  listOutbox(query: ListOutboxQuery): Promise<OutboxRecord[]> {
    return outbox.listOutbox(this.db, query);
  }

  notifierBacklog(limit: number): Promise<NotifierBacklog[]> {
    return outbox.notifierBacklog(this.db, limit);
  }

  advanceNotifierCursor(
    jobId: string,
    from: number,
    to: number,
    messages: readonly OutboxMessage[],
  ): Promise<boolean> {
    return outbox.advanceNotifierCursor(this.db, jobId, from, to, messages);
  }
  skipNotifierCursors(moves: readonly NotifierCursorMove[]): Promise<string[]> {
    return outbox.skipNotifierCursors(this.db, moves);
  }
}
