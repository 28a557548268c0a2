import type { Migration } from './migration.js';

/** Each job's history: one line per change, numbered 1..n, with the state it led to. */
export const migration: Migration = {
  version: 4,
  name: 'job-events',
  up: [
    `CREATE TABLE job_events (
      job_id text NOT NULL REFERENCES jobs (job_id),
      seq int NOT NULL CHECK (seq > 0),
      at timestamptz NOT NULL,
      event text NOT NULL,
      location text NOT NULL,
      progress text NOT NULL,
      canceled boolean NOT NULL,
      actor text NOT NULL,
      detail text,
      PRIMARY KEY (job_id, seq)
    )`,
  ],
};
