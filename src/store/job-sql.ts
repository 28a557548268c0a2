import type { CreateJobOutcome, JobEventInput, JobPatch, JobStateGuard, ListJobsQuery } from './port.js';
import type { JobEventRecord, JobRecord } from './records.js';
import {
  JOB_INSERT_COLUMNS,
  JOB_PATCH_COLUMNS,
  jobEventFromRow,
  jobFromRow,
  type JobEventRow,
  type JobRow,
} from './rows.js';
import type { SqlExecutor } from './sql-executor.js';
import { guardConditions, SqlParams } from './sql-params.js';

/**
 * Remembers how many jobs each owner created since a time, so the quota check needs no count.
 * Only for a database with one writer (see CachingSqlStore).
 */
export interface QuotaTally {
  /** Jobs `owner` created since `since`, or undefined when unknown (then they are counted). */
  get(owner: string, since: Date): number | undefined;
  /** Inside the transaction, after the insert: `owner` now has `count` jobs since `since`. */
  set(owner: string, since: Date, count: number): void;
  /** The transaction failed: whatever was set for `owner` may be wrong. */
  forget(owner: string): void;
}

/**
 * Inserts a job and its first history line in one transaction. The owner's account row is
 * locked first, so concurrent creations for one owner count each other's jobs. With a tally that
 * knows the owner's count, neither the lock nor the count is needed: its database has one writer,
 * whose transactions never overlap.
 */
export function createJob(
  db: SqlExecutor,
  job: JobRecord,
  event: JobEventInput,
  quota: { limit: number; since: Date },
  tally?: QuotaTally,
): Promise<CreateJobOutcome> {
  const created = db.transaction(async (tx): Promise<CreateJobOutcome> => {
    let n = tally?.get(job.owner, quota.since);
    if (n === undefined) {
      // NO KEY UPDATE serialises createJob per owner without blocking foreign-key checks
      // (bucket and job inserts that merely reference the account).
      const owner = await tx.query('SELECT 1 FROM accounts WHERE access_key_id = $1 FOR NO KEY UPDATE', [
        job.owner,
      ]);
      if (owner.length === 0) throw new Error(`createJob: no account ${job.owner}`);
      n = await countJobsSince(tx, job.owner, quota.since);
    }
    if (n >= quota.limit) return { ok: false, reason: 'quota' };
    const row = await insertJobWithEvent(tx, job, event);
    if (row === null) return { ok: false, reason: 'duplicate-id' };
    tally?.set(job.owner, quota.since, n + 1);
    return { ok: true, job: jobFromRow(row) };
  });
  return tally === undefined
    ? created
    : created.catch((error: unknown) => {
        tally.forget(job.owner);
        throw error;
      });
}

async function countJobsSince(tx: SqlExecutor, owner: string, since: Date): Promise<number> {
  const [counted] = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM jobs WHERE owner = $1 AND created_at >= $2',
    [owner, since],
  );
  return counted?.n ?? 0;
}

/** The job, or null. */
export async function getJob(db: SqlExecutor, jobId: string): Promise<JobRecord | null> {
  const rows = await db.query<JobRow>('SELECT * FROM jobs WHERE job_id = $1', [jobId]);
  return rows[0] === undefined ? null : jobFromRow(rows[0]);
}

/** Newest first (ties by job ID); an `afterJobId` that names none of the owner's jobs gives []. */
export async function listJobs(db: SqlExecutor, query: ListJobsQuery): Promise<JobRecord[]> {
  const params = new SqlParams();
  const conditions = [`owner = ${params.add(query.owner)}`];
  if (query.afterJobId !== undefined) {
    conditions.push(
      `(created_at, job_id) < (SELECT created_at, job_id FROM jobs
        WHERE job_id = ${params.add(query.afterJobId)} AND owner = $1)`,
    );
  }
  const rows = await db.query<JobRow>(
    `SELECT * FROM jobs WHERE ${conditions.join(' AND ')}
     ORDER BY created_at DESC, job_id DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
  return rows.map(jobFromRow);
}

/**
 * The guarded update: one UPDATE whose WHERE holds the guard, so of two concurrent transitions
 * from one state only the first matches. updatedAt becomes the event's time.
 */
export function transitionJob(
  db: SqlExecutor,
  jobId: string,
  guard: JobStateGuard,
  patch: JobPatch,
  event: JobEventInput,
): Promise<JobRecord | null> {
  return db.transaction(async (tx) => {
    const params = new SqlParams();
    const sets = [`updated_at = ${params.add(event.at)}`, 'last_seq = last_seq + 1'];
    for (const [field, column] of Object.entries(JOB_PATCH_COLUMNS)) {
      const value = patch[field as keyof JobPatch];
      if (value !== undefined) sets.push(`${column} = ${params.add(value)}`);
    }
    const where = [`job_id = ${params.add(jobId)}`, ...guardConditions(guard, params)];
    const [row] = await tx.query<JobRow>(
      `UPDATE jobs SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`,
      params.values,
    );
    if (row === undefined) return null;
    await insertEvent(tx, row, event);
    return jobFromRow(row);
  });
}

/** Oldest first, so repeated expiry runs work through the backlog in order. */
export async function findJobsCreatedBefore(
  db: SqlExecutor,
  guard: JobStateGuard,
  createdBefore: Date,
  limit: number,
): Promise<JobRecord[]> {
  const params = new SqlParams();
  const where = [`created_at < ${params.add(createdBefore)}`, ...guardConditions(guard, params)];
  const rows = await db.query<JobRow>(
    `SELECT * FROM jobs WHERE ${where.join(' AND ')} ORDER BY created_at, job_id LIMIT ${params.add(limit)}`,
    params.values,
  );
  return rows.map(jobFromRow);
}

/** The job's history lines, seq 1..n; [] for an unknown job. */
export async function jobHistory(db: SqlExecutor, jobId: string): Promise<JobEventRecord[]> {
  const rows = await db.query<JobEventRow>('SELECT * FROM job_events WHERE job_id = $1 ORDER BY seq', [
    jobId,
  ]);
  return rows.map(jobEventFromRow);
}

/**
 * Inserts the job and its first history line in one statement (the event's state is the new
 * row's); null, with nothing inserted, when the job ID is taken.
 */
async function insertJobWithEvent(
  tx: SqlExecutor,
  job: JobRecord,
  event: JobEventInput,
): Promise<JobRow | null> {
  const params = new SqlParams();
  const columns = JOB_INSERT_COLUMNS.map(([column]) => column).join(', ');
  const values = JOB_INSERT_COLUMNS.map(([, field]) => params.add(job[field])).join(', ');
  const [row] = await tx.query<JobRow>(
    `WITH j AS (
       INSERT INTO jobs (${columns}, last_seq) VALUES (${values}, 1)
       ON CONFLICT (job_id) DO NOTHING RETURNING *
     ), e AS (
       INSERT INTO job_events (job_id, seq, at, event, location, progress, canceled, actor, detail)
       SELECT job_id, last_seq, ${params.add(event.at)}::timestamptz, ${params.add(event.event)}::text,
         location, progress, canceled, ${params.add(event.actor)}::text, ${params.add(event.detail ?? null)}::text
       FROM j
     )
     SELECT * FROM j`,
    params.values,
  );
  return row ?? null;
}

/** Writes history line `row.last_seq`, recording the state the change led to. */
async function insertEvent(tx: SqlExecutor, row: JobRow, event: JobEventInput): Promise<void> {
  await tx.query(
    `INSERT INTO job_events (job_id, seq, at, event, location, progress, canceled, actor, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      row.job_id,
      row.last_seq,
      event.at,
      event.event,
      row.location,
      row.progress,
      row.canceled,
      event.actor,
      event.detail ?? null,
    ],
  );
}
