import type { Migration } from './migration.js';

/** Accounts and their registered e-mail addresses (one row per address, in the given order). */
export const migration: Migration = {
  version: 1,
  name: 'accounts',
  up: [
    `CREATE TABLE accounts (
      access_key_id text PRIMARY KEY,
      secret_ciphertext text NOT NULL,
      name text NOT NULL,
      signed_up boolean NOT NULL,
      problem boolean NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `CREATE TABLE account_emails (
      access_key_id text NOT NULL REFERENCES accounts (access_key_id),
      position int NOT NULL,
      email text NOT NULL,
      PRIMARY KEY (access_key_id, position)
    )`,
    // Serves findAccountsByEmail and keeps an address once per account, whatever its case.
    `CREATE UNIQUE INDEX account_emails_email ON account_emails (lower(email), access_key_id)`,
  ],
};
