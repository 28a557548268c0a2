import type { Migration } from './migration.js';

/**
 * One row per job a station inspected successfully: where the loadable volume is (recorded with
 * the passed inspection), the load's checkpoint while it runs (the station's crash-safe resume
 * point: the bytes of its local import log that were on disk, and the counts up to there), and the
 * per-job figures when it ends.
 */
export const migration: Migration = {
  version: 7,
  name: 'job-loads',
  up: [
    `CREATE TABLE job_loads (
      job_id text PRIMARY KEY REFERENCES jobs (job_id),
      station text NOT NULL,
      device_path text NOT NULL,
      volume_offset bigint CHECK (volume_offset >= 0),
      file_system text NOT NULL,
      warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
      started_at timestamptz,
      checkpoint_at timestamptz,
      finished_at timestamptz,
      log_bytes bigint NOT NULL DEFAULT 0 CHECK (log_bytes >= 0),
      log_rows bigint NOT NULL DEFAULT 0 CHECK (log_rows >= 0),
      files bigint NOT NULL DEFAULT 0 CHECK (files >= 0),
      bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
      errors bigint NOT NULL DEFAULT 0 CHECK (errors >= 0),
      seconds double precision CHECK (seconds >= 0)
    )`,
  ],
};
