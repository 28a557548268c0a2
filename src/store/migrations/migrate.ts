import type { SqlExecutor } from '../sql-executor.js';
import { MIGRATIONS, type Migration } from './index.js';

/** Key of the advisory lock that keeps two processes from migrating one database at once. */
const MIGRATION_LOCK = 7_305_431_101;

/** The database was migrated by a newer Longshore than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `The database schema is at version ${databaseVersion}, but this Longshore only knows versions ` +
        `up to ${knownVersion}. Run a Longshore at least as new as the one that last used this database.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Applies pending migrations, each in its own transaction under the migration lock, so
 * concurrent starts apply each migration once. Throws SchemaTooNewError when the database has
 * a version this code does not know; database errors propagate.
 */
export async function migrate(db: SqlExecutor, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  checkOrder(migrations);
  while (await db.transaction((tx) => applyNext(tx, migrations))) {
    // applyNext applied one migration; look for the next.
  }
}

/** Applies the first pending migration; false when there is none. */
async function applyNext(tx: SqlExecutor, migrations: readonly Migration[]): Promise<boolean> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await tx.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
  );
  const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const known = migrations.at(-1)?.version ?? 0;
  const newest = Math.max(0, ...applied);
  if (newest > known) throw new SchemaTooNewError(newest, known);
  const next = migrations.find((m) => !applied.has(m.version));
  if (next === undefined) return false;
  for (const statement of next.up) await tx.query(statement);
  await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
  return true;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
}
