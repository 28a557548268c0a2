import { join } from 'node:path';
import { CachingSqlStore } from './caching-store.js';
import { openPglite } from './pglite-executor.js';
import type { Store } from './port.js';
import { openPostgres } from './postgres-executor.js';
import type { SqlExecutor } from './sql-executor.js';
import { SqlStore } from './sql-store.js';

export interface OpenStoreOptions {
  /** PostgreSQL connection URL; when set, the other options are ignored. */
  databaseUrl?: string;
  /** Data directory; the embedded database lives in `<dataDir>/db`. */
  dataDir?: string;
  /** Embedded database in memory (tests); used when neither of the above is given. */
  inMemory?: boolean;
}

/**
 * Opens the store (PostgreSQL by URL, else embedded PGlite) and applies pending migrations.
 * Throws when the database cannot be reached, or SchemaTooNewError when it is newer than this code.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const db = await openExecutor(options);
  // The embedded database has one writer, this process, so it may keep records in memory;
  // PostgreSQL may be shared by several hosts.
  const store = options.databaseUrl === undefined ? new CachingSqlStore(db) : new SqlStore(db);
  try {
    await store.migrate();
  } catch (error) {
    await db.close();
    throw error;
  }
  return store;
}

function openExecutor(options: OpenStoreOptions): Promise<SqlExecutor> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl);
  if (options.dataDir !== undefined) return openPglite(join(options.dataDir, 'db'));
  if (options.inMemory === true) return openPglite();
  throw new Error('openStore needs a databaseUrl, a dataDir, or inMemory: true');
}
