import type { AccountRecord, BucketRecord, JobEventInput, JobRecord, Store } from '../../src/store/index.js';
import { SqlStore } from '../../src/store/index.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';

/** Records for the store contract suite; times are fixed so results compare exactly. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');

export function minutes(n: number): Date {
  return new Date(T0.getTime() + n * 60_000);
}

export const NO_QUOTA = { limit: 1_000, since: new Date(0) };

export function account(accessKeyId: string, fields: Partial<AccountRecord> = {}): AccountRecord {
  return {
    accessKeyId,
    secretCiphertext: `cipher-${accessKeyId}`,
    name: `Account ${accessKeyId}`,
    emails: [`${accessKeyId.toLowerCase()}@example.com`],
    signedUp: true,
    problem: false,
    createdAt: T0,
    ...fields,
  };
}

export function bucket(name: string, owner: string, fields: Partial<BucketRecord> = {}): BucketRecord {
  return { name, owner, region: 'us-east-1', grants: [], createdAt: T0, ...fields };
}

export function job(
  jobId: string,
  owner: string,
  createdAt: Date,
  fields: Partial<JobRecord> = {},
): JobRecord {
  return {
    jobId,
    owner,
    jobType: 'Import',
    manifestText: `manifestVersion: 2.0\nbucket: b-${jobId}\n`,
    signature: `sig-${jobId}`,
    location: 'NotReceived',
    progress: 'Pending',
    progressMessage: null,
    canceled: false,
    createdAt,
    updatedAt: createdAt,
    expiredAt: null,
    carrier: null,
    trackingNumber: null,
    logBucket: null,
    logKey: null,
    errorCount: null,
    ...fields,
  };
}

export function event(name: string, at: Date, actor = 'api', detail: string | null = null): JobEventInput {
  return { event: name, at, actor, detail };
}

/** Creates a job that must be accepted, and returns it. */
export async function mustCreate(store: Store, record: JobRecord): Promise<JobRecord> {
  const outcome = await store.createJob(record, event('create', record.createdAt), NO_QUOTA);
  if (!outcome.ok) throw new Error(`createJob(${record.jobId}) refused: ${outcome.reason}`);
  return outcome.job;
}

/** Raw SQL access, for checks the port does not offer (row counts, schema versions). */
export function sqlOf(store: Store): SqlExecutor {
  if (!(store instanceof SqlStore)) throw new Error('not a SqlStore');
  return store.db;
}

export async function countRows(store: Store, table: string): Promise<number> {
  const [row] = await sqlOf(store).query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? -1;
}
