import type { AccountPatch } from './port.js';
import type { AccountRecord } from './records.js';
import { accountFromRow, type AccountRow } from './rows.js';
import type { SqlExecutor } from './sql-executor.js';

const SELECT_ACCOUNTS = `
  SELECT a.*, coalesce(
    (SELECT array_agg(e.email ORDER BY e.position) FROM account_emails e
      WHERE e.access_key_id = a.access_key_id),
    '{}') AS emails
  FROM accounts a`;

/** Inserts an account and its addresses in one transaction; a taken key ID is a database error. */
export function insertAccount(db: SqlExecutor, account: AccountRecord): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO accounts (access_key_id, secret_ciphertext, name, signed_up, problem, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        account.accessKeyId,
        account.secretCiphertext,
        account.name,
        account.signedUp,
        account.problem,
        account.createdAt,
      ],
    );
    await insertEmails(tx, account.accessKeyId, account.emails);
  });
}

/** The account with its addresses, or null. */
export async function getAccount(db: SqlExecutor, accessKeyId: string): Promise<AccountRecord | null> {
  const rows = await db.query<AccountRow>(`${SELECT_ACCOUNTS} WHERE a.access_key_id = $1`, [accessKeyId]);
  return rows[0] === undefined ? null : accountFromRow(rows[0]);
}

/** Accounts that registered `email` (compared case-insensitively), oldest first. */
export async function findAccountsByEmail(db: SqlExecutor, email: string): Promise<AccountRecord[]> {
  const rows = await db.query<AccountRow>(
    `${SELECT_ACCOUNTS}
     WHERE a.access_key_id IN (SELECT access_key_id FROM account_emails WHERE lower(email) = lower($1))
     ORDER BY a.created_at, a.access_key_id`,
    [email],
  );
  return rows.map(accountFromRow);
}

/** Every account, oldest first. */
export async function listAccounts(db: SqlExecutor): Promise<AccountRecord[]> {
  const rows = await db.query<AccountRow>(`${SELECT_ACCOUNTS} ORDER BY a.created_at, a.access_key_id`);
  return rows.map(accountFromRow);
}

/** Changes the given fields (addresses replaced as a whole); null when there is no such account. */
export function updateAccount(
  db: SqlExecutor,
  accessKeyId: string,
  patch: AccountPatch,
): Promise<AccountRecord | null> {
  return db.transaction(async (tx) => {
    // None of these columns is nullable, so NULL means "keep"; the UPDATE also locks the row.
    const updated = await tx.query(
      `UPDATE accounts SET name = coalesce($2, name), signed_up = coalesce($3, signed_up),
         problem = coalesce($4, problem)
       WHERE access_key_id = $1 RETURNING access_key_id`,
      [accessKeyId, patch.name ?? null, patch.signedUp ?? null, patch.problem ?? null],
    );
    if (updated.length === 0) return null;
    if (patch.emails !== undefined) {
      await tx.query('DELETE FROM account_emails WHERE access_key_id = $1', [accessKeyId]);
      await insertEmails(tx, accessKeyId, patch.emails);
    }
    return getAccount(tx, accessKeyId);
  });
}

/** Keeps the given order; a repeated address (in any case) is kept once. */
async function insertEmails(tx: SqlExecutor, accessKeyId: string, emails: readonly string[]): Promise<void> {
  if (emails.length === 0) return;
  await tx.query(
    `INSERT INTO account_emails (access_key_id, position, email)
     SELECT $1, t.ord::int, t.email FROM unnest($2::text[]) WITH ORDINALITY AS t(email, ord)
     ON CONFLICT DO NOTHING`,
    [accessKeyId, [...emails]],
  );
}
