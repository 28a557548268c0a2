import type { Migration } from './migration.js';

/** Buckets and the accounts, besides the owner, allowed to write to them. */
export const migration: Migration = {
  version: 2,
  name: 'buckets',
  up: [
    `CREATE TABLE buckets (
      name text PRIMARY KEY,
      owner text NOT NULL REFERENCES accounts (access_key_id),
      region text NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `CREATE INDEX buckets_owner ON buckets (owner)`,
    `CREATE TABLE bucket_grants (
      bucket text NOT NULL REFERENCES buckets (name),
      access_key_id text NOT NULL REFERENCES accounts (access_key_id),
      position bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (bucket, access_key_id)
    )`,
    `CREATE INDEX bucket_grants_account ON bucket_grants (access_key_id)`,
  ],
};
