import type { Migration } from './migration.js';

/**
 * The mail outbox (replies and notifications, pending until a relay or the outbox folder took
 * them) and the notifier's cursor: per job, the last history line (job_events.seq) whose
 * notifications were enqueued. Jobs that exist when this migration runs start with their whole
 * history handled, so upgrading never mails about the past.
 */
export const migration: Migration = {
  version: 6,
  name: 'outbox',
  up: [
    `CREATE TABLE outbox (
      id text PRIMARY KEY,
      created_at timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('reply', 'notification')),
      job_id text,
      sender text NOT NULL,
      recipient text NOT NULL,
      subject text NOT NULL,
      raw text NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
      attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL,
      lease_owner text,
      lease_until timestamptz,
      last_error text,
      sent_at timestamptz
    )`,
    // The sender's claim: pending messages by due time.
    `CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending'`,
    // Listings for operators and the dashboard, newest first.
    `CREATE INDEX outbox_created ON outbox (created_at DESC, id DESC)`,
    `CREATE TABLE notifier_cursor (
      job_id text PRIMARY KEY REFERENCES jobs (job_id),
      seq int NOT NULL CHECK (seq > 0)
    )`,
    `INSERT INTO notifier_cursor (job_id, seq) SELECT job_id, last_seq FROM jobs WHERE last_seq > 0`,
  ],
};
