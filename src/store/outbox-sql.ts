import type { ListOutboxQuery, NotifierCursorMove, OutboxClaim } from './port.js';
import type {
  JobEventRecord,
  NotifierBacklog,
  OutboxKind,
  OutboxMessage,
  OutboxRecord,
  OutboxState,
} from './records.js';
import { jobEventFromRow, type JobEventRow } from './rows.js';
import type { SqlExecutor } from './sql-executor.js';
import { SqlParams } from './sql-params.js';

interface OutboxRow {
  id: string;
  created_at: Date;
  kind: OutboxKind;
  job_id: string | null;
  sender: string;
  recipient: string;
  subject: string;
  raw: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
}

function outboxFromRow(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    jobId: row.job_id,
    sender: row.sender,
    recipient: row.recipient,
    subject: row.subject,
    raw: row.raw,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}

/** Inserts the messages as pending, due at their creation time (one statement, so all or none). */
export async function enqueueOutbox(db: SqlExecutor, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const params = new SqlParams();
  const rows = messages.map(
    (m) =>
      `(${[m.id, m.createdAt, m.kind, m.jobId, m.sender, m.recipient, m.subject, m.raw, m.createdAt]
        .map((value) => params.add(value))
        .join(', ')})`,
  );
  await db.query(
    `INSERT INTO outbox (id, created_at, kind, job_id, sender, recipient, subject, raw, next_attempt_at)
     VALUES ${rows.join(', ')}`,
    params.values,
  );
}

/**
 * One UPDATE over the due rows, locked with SKIP LOCKED: a concurrent claim skips the rows this one
 * is taking, and once this one commits it sees their lease.
 */
export async function claimOutbox(db: SqlExecutor, claim: OutboxClaim): Promise<OutboxRecord[]> {
  const rows = await db.query<OutboxRow>(
    `UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM outbox
       WHERE state = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
       ORDER BY next_attempt_at, id LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [claim.owner, claim.leaseUntil, claim.now, claim.limit],
  );
  return rows
    .map(outboxFromRow)
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id.localeCompare(b.id));
}

export async function markOutboxSent(
  db: SqlExecutor,
  id: string,
  owner: string,
  sentAt: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE outbox SET state = 'sent', sent_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL
     WHERE id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING id`,
    [id, owner, sentAt],
  );
  return rows.length > 0;
}

export async function markOutboxFailed(
  db: SqlExecutor,
  id: string,
  owner: string,
  error: string,
  retryAt: Date | null,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE outbox SET
       state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
       next_attempt_at = coalesce($4::timestamptz, next_attempt_at),
       last_error = $3, lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING id`,
    [id, owner, error, retryAt],
  );
  return rows.length > 0;
}

export async function listOutbox(db: SqlExecutor, query: ListOutboxQuery): Promise<OutboxRecord[]> {
  const params = new SqlParams();
  const where = query.state === undefined ? '' : `WHERE state = ${params.add(query.state)}`;
  const rows = await db.query<OutboxRow>(
    `SELECT * FROM outbox ${where} ORDER BY created_at DESC, id DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
  return rows.map(outboxFromRow);
}

/**
 * `jobs.last_seq` is the newest line of each job, so only jobs with unhandled lines are joined to
 * their history; jobs created since the migration have no cursor row yet (cursor 0).
 */
export async function notifierBacklog(db: SqlExecutor, limit: number): Promise<NotifierBacklog[]> {
  const rows = await db.query<JobEventRow & { cursor: number }>(
    `SELECT e.*, coalesce(c.seq, 0) AS cursor
     FROM jobs j
     LEFT JOIN notifier_cursor c ON c.job_id = j.job_id
     JOIN job_events e ON e.job_id = j.job_id AND e.seq > coalesce(c.seq, 0)
     WHERE j.last_seq > coalesce(c.seq, 0)
     ORDER BY e.at, e.job_id, e.seq
     LIMIT $1`,
    [limit],
  );
  const byJob = new Map<string, NotifierBacklog>();
  for (const row of rows) {
    const backlog = byJob.get(row.job_id) ?? { jobId: row.job_id, cursor: row.cursor, events: [] };
    backlog.events.push(jobEventFromRow(row));
    byJob.set(row.job_id, backlog);
  }
  for (const backlog of byJob.values()) backlog.events.sort(bySeq);
  return [...byJob.values()];
}

function bySeq(a: JobEventRecord, b: JobEventRecord): number {
  return a.seq - b.seq;
}

/** The guarded cursor move and the messages, in one transaction. */
export function advanceNotifierCursor(
  db: SqlExecutor,
  jobId: string,
  from: number,
  to: number,
  messages: readonly OutboxMessage[],
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved =
      from === 0
        ? await tx.query(
            `INSERT INTO notifier_cursor (job_id, seq) VALUES ($1, $2)
             ON CONFLICT (job_id) DO NOTHING RETURNING seq`,
            [jobId, to],
          )
        : await tx.query(`UPDATE notifier_cursor SET seq = $3 WHERE job_id = $1 AND seq = $2 RETURNING seq`, [
            jobId,
            from,
            to,
          ]);
    if (moved.length === 0) return false;
    await enqueueOutbox(tx, messages);
    return true;
  });
}

/** Moves cursors past mail-free history in one transaction (two statements: new and existing). */
export function skipNotifierCursors(
  db: SqlExecutor,
  moves: readonly NotifierCursorMove[],
): Promise<string[]> {
  if (moves.length === 0) return Promise.resolve([]);
  const fresh = moves.filter((m) => m.from === 0);
  const seen = moves.filter((m) => m.from !== 0);
  return db.transaction(async (tx) => {
    const moved: string[] = [];
    if (fresh.length > 0) {
      const rows = await tx.query<{ job_id: string }>(
        `INSERT INTO notifier_cursor (job_id, seq)
         SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
        [fresh.map((m) => m.jobId), fresh.map((m) => m.to)],
      );
      moved.push(...rows.map((r) => r.job_id));
    }
    if (seen.length > 0) {
      const rows = await tx.query<{ job_id: string }>(
        `UPDATE notifier_cursor AS c SET seq = m.to_seq
         FROM unnest($1::text[], $2::int[], $3::int[]) AS m(job_id, from_seq, to_seq)
         WHERE c.job_id = m.job_id AND c.seq = m.from_seq RETURNING c.job_id`,
        [seen.map((m) => m.jobId), seen.map((m) => m.from), seen.map((m) => m.to)],
      );
      moved.push(...rows.map((r) => r.job_id));
    }
    return moved;
  });
}
