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
 * Inserts a job and its first history line in one transaction. The owner's account row is
 * locked first, so concurrent creations for one owner count each other's jobs.
 */
export function createJob(
  db: SqlExecutor,
  job: JobRecord,
  event: JobEventInput,
  quota: { limit: number; since: Date },
): Promise<CreateJobOutcome> {
  return db.transaction(async (tx): Promise<CreateJobOutcome> => {
    // NO KEY UPDATE serialises createJob per owner without blocking foreign-key checks
    // (bucket and job inserts that merely reference the account).
    const owner = await tx.query('SELECT 1 FROM accounts WHERE access_key_id = $1 FOR NO KEY UPDATE', [
      job.owner,
    ]);
    if (owner.length === 0) throw new Error(`createJob: no account ${job.owner}`);
    const [counted] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM jobs WHERE owner = $1 AND created_at >= $2',
      [job.owner, quota.since],
    );
    if ((counted?.n ?? 0) >= quota.limit) return { ok: false, reason: 'quota' };
    const row = await insertJob(tx, job);
    if (row === null) return { ok: false, reason: 'duplicate-id' };
    await insertEvent(tx, row, event);
    return { ok: true, job: jobFromRow(row) };
  });
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

/** Null when the ID exists (IDs are never reused, jobs never deleted). */
async function insertJob(tx: SqlExecutor, job: JobRecord): Promise<JobRow | null> {
  const params = new SqlParams();
  const columns = JOB_INSERT_COLUMNS.map(([column]) => column).join(', ');
  const values = JOB_INSERT_COLUMNS.map(([, field]) => params.add(job[field])).join(', ');
  const [row] = await tx.query<JobRow>(
    `INSERT INTO jobs (${columns}, last_seq) VALUES (${values}, 1)
     ON CONFLICT (job_id) DO NOTHING RETURNING *`,
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
