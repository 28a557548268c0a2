import { createJob, type QuotaTally } from './job-sql.js';
import type { AccountPatch, CreateJobOutcome, JobEventInput, JobPatch, JobStateGuard } from './port.js';
import type { AccountRecord, BucketRecord, JobRecord } from './records.js';
import type { SqlExecutor } from './sql-executor.js';
import { SqlStore } from './sql-store.js';

/**
 * Records read by key, kept until a write through the store drops them. A read that overlapped a
 * write is not kept (it may hold the old row); absent keys are not remembered. Past `maxWeight`
 * it starts over: it only saves reads.
 */
class ReadCache<T> {
  readonly #entries = new Map<string, T>();
  #weight = 0;
  #writes = 0;

  constructor(
    private readonly copy: (value: T) => T,
    private readonly maxWeight: number,
    private readonly weigh: (value: T) => number = () => 1,
  ) {}

  async read(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const cached = this.#entries.get(key);
    if (cached !== undefined) return this.copy(cached);
    const writes = this.#writes;
    const value = await load();
    if (value !== null && writes === this.#writes) {
      const weight = this.weigh(value);
      if (this.#weight + weight > this.maxWeight) this.clear();
      this.#entries.set(key, this.copy(value));
      this.#weight += weight;
    }
    return value;
  }

  /** Runs a write of `key`, then forgets it, whether the write worked or not. */
  async write<R>(key: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } finally {
      this.#writes++;
      const value = this.#entries.get(key);
      if (value !== undefined) {
        this.#weight -= this.weigh(value);
        this.#entries.delete(key);
      }
    }
  }

  clear(): void {
    this.#writes++;
    this.#entries.clear();
    this.#weight = 0;
  }
}

const MAX_OWNERS = 10_000;

/** Each owner's jobs since the start of the quota day, as the last successful createJob left it. */
class MemoryQuotaTally implements QuotaTally {
  readonly #owners = new Map<string, { since: number; count: number }>();

  get(owner: string, since: Date): number | undefined {
    const entry = this.#owners.get(owner);
    return entry !== undefined && entry.since === since.getTime() ? entry.count : undefined;
  }

  set(owner: string, since: Date, count: number): void {
    if (this.#owners.size >= MAX_OWNERS) this.#owners.clear();
    this.#owners.set(owner, { since: since.getTime(), count });
  }

  forget(owner: string): void {
    this.#owners.delete(owner);
  }

  clear(): void {
    this.#owners.clear();
  }
}

/**
 * SqlStore methods that write no account, bucket or job. Any other method that this class does
 * not override (one added later, say) clears every cache after it runs, so it cannot leave a
 * stale record behind.
 */
const LEAVES_CACHES: ReadonlySet<string> = new Set([
  'constructor',
  'migrate',
  'close',
  'findAccountsByEmail',
  'listAccounts',
  'listBuckets',
  'listJobs',
  'findJobsCreatedBefore',
  'jobHistory',
  'recordIntakeDevice',
  'getJobLoad',
  'markJobLoadStarted',
  'checkpointJobLoad',
  'insertShippingLabel',
  'getShippingLabel',
  'enqueueOutbox',
  'claimOutbox',
  'markOutboxSent',
  'markOutboxFailed',
  'listOutbox',
  'notifierBacklog',
  'advanceNotifierCursor',
  'skipNotifierCursors',
]);

const jobWeight = (job: JobRecord): number => 512 + job.manifestText.length;

/**
 * A SqlStore that keeps in memory the accounts, buckets and jobs it has read, and how many jobs
 * each owner created today. On the embedded database every statement costs a fraction of a
 * millisecond of the one JavaScript thread, and GetStatus made three (the caller's account twice,
 * for its secret and its standing, then the job), CreateJob eight, one of them a count of the
 * owner's jobs of the day that grows with them (bench/README.md).
 *
 * Only for a database that this process alone writes: the embedded store, which one `serve` holds
 * under the data directory's lock. Every write goes through this store: the writes of accounts,
 * buckets and jobs are overridden here and drop what they change; any other method not listed in
 * LEAVES_CACHES clears everything.
 */
export class CachingSqlStore extends SqlStore {
  readonly #accounts = new ReadCache<AccountRecord>((a) => ({ ...a, emails: [...a.emails] }), 10_000);
  readonly #buckets = new ReadCache<BucketRecord>((b) => ({ ...b, grants: [...b.grants] }), 10_000);
  readonly #jobs = new ReadCache<JobRecord>((j) => ({ ...j }), 32 * 1024 * 1024, jobWeight);
  readonly #quota = new MemoryQuotaTally();

  constructor(db: SqlExecutor) {
    super(db);
    const base = SqlStore.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(SqlStore.prototype)) {
      const method = base[name];
      if (LEAVES_CACHES.has(name) || Object.hasOwn(CachingSqlStore.prototype, name)) continue;
      if (typeof method !== 'function') continue;
      Object.defineProperty(this, name, {
        value: async (...args: unknown[]): Promise<unknown> => {
          try {
            return await (method as (...a: unknown[]) => Promise<unknown>).apply(this, args);
          } finally {
            this.#clear();
          }
        },
      });
    }
  }

  #clear(): void {
    this.#accounts.clear();
    this.#buckets.clear();
    this.#jobs.clear();
    this.#quota.clear();
  }

  override getAccount(accessKeyId: string): Promise<AccountRecord | null> {
    return this.#accounts.read(accessKeyId, () => super.getAccount(accessKeyId));
  }

  override insertAccount(account: AccountRecord): Promise<void> {
    return this.#accounts.write(account.accessKeyId, () => super.insertAccount(account));
  }

  override updateAccount(accessKeyId: string, patch: AccountPatch): Promise<AccountRecord | null> {
    return this.#accounts.write(accessKeyId, () => super.updateAccount(accessKeyId, patch));
  }

  override getBucket(name: string): Promise<BucketRecord | null> {
    return this.#buckets.read(name, () => super.getBucket(name));
  }

  override insertBucket(bucket: BucketRecord): Promise<boolean> {
    return this.#buckets.write(bucket.name, () => super.insertBucket(bucket));
  }

  override grantBucket(name: string, accessKeyId: string): Promise<BucketRecord | null> {
    return this.#buckets.write(name, () => super.grantBucket(name, accessKeyId));
  }

  override getJob(jobId: string): Promise<JobRecord | null> {
    return this.#jobs.read(jobId, () => super.getJob(jobId));
  }

  override createJob(
    job: JobRecord,
    event: JobEventInput,
    quota: { limit: number; since: Date },
  ): Promise<CreateJobOutcome> {
    return this.#jobs.write(job.jobId, () => createJob(this.db, job, event, quota, this.#quota));
  }

  override transitionJob(
    jobId: string,
    guard: JobStateGuard,
    patch: JobPatch,
    event: JobEventInput,
  ): Promise<JobRecord | null> {
    return this.#jobs.write(jobId, () => super.transitionJob(jobId, guard, patch, event));
  }
}
