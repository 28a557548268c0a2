import type { Migration } from './migration.js';

// The code lists as they stood when this migration was written (DECISIONS.md §1); a later
// change to them needs a new migration, so they are spelled out here rather than imported.
const LOCATIONS = `'NotReceived', 'AtAWS', 'Returned'`;
const PROGRESS = `'Pending', 'InProgress', 'Success', 'SuccessWithErrors', 'Expired', 'DeviceError',
  'InvalidSignature', 'MissingDevice', 'MissingSignature', 'UnsupportedDeviceType',
  'UnsupportedFileFormat', 'UnsupportedPowerSupply'`;

/** Jobs. `last_seq` numbers the job's history lines; it is the store's, not the record's. */
export const migration: Migration = {
  version: 3,
  name: 'jobs',
  up: [
    `CREATE TABLE jobs (
      job_id text PRIMARY KEY,
      owner text NOT NULL REFERENCES accounts (access_key_id),
      job_type text NOT NULL CHECK (job_type IN ('Import', 'Export')),
      manifest_text text NOT NULL,
      signature text NOT NULL,
      location text NOT NULL CHECK (location IN (${LOCATIONS})),
      progress text NOT NULL CHECK (progress IN (${PROGRESS})),
      progress_message text,
      canceled boolean NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      expired_at timestamptz,
      carrier text,
      tracking_number text,
      log_bucket text,
      log_key text,
      error_count int CHECK (error_count >= 0),
      last_seq int NOT NULL DEFAULT 0
    )`,
    // ListJobs (newest first, paged) and the quota count both read one owner's jobs by date.
    `CREATE INDEX jobs_owner_created ON jobs (owner, created_at DESC, job_id DESC)`,
    // Expiry scans: jobs in one state created before a date.
    `CREATE INDEX jobs_state_created ON jobs (location, progress, created_at)`,
  ],
};
