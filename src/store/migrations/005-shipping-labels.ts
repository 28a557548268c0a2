import type { Migration } from './migration.js';

/** Shipping labels (GetShippingLabel) and the jobs each one covers, in the order asked. */
export const migration: Migration = {
  version: 5,
  name: 'shipping-labels',
  up: [
    `CREATE TABLE shipping_labels (
      label_id text PRIMARY KEY,
      owner text NOT NULL REFERENCES accounts (access_key_id),
      address jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `CREATE TABLE shipping_label_jobs (
      label_id text NOT NULL REFERENCES shipping_labels (label_id),
      position int NOT NULL,
      job_id text NOT NULL REFERENCES jobs (job_id),
      PRIMARY KEY (label_id, position),
      UNIQUE (label_id, job_id)
    )`,
    // The labels of one job (support look-ups, and the foreign key's checks on jobs).
    `CREATE INDEX shipping_label_jobs_job ON shipping_label_jobs (job_id)`,
  ],
};
