import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlExecutor } from './sql-executor.js';

/** Opens an embedded PGlite database in `dir` (created if missing), or in memory without one. */
export async function openPglite(dir?: string): Promise<PgliteExecutor> {
  if (dir !== undefined) await mkdir(dir, { recursive: true });
  const db = dir === undefined ? await PGlite.create() : await PGlite.create(dir);
  return new PgliteExecutor(db);
}

/**
 * SqlExecutor over one PGlite instance. PGlite runs one statement at a time and holds a mutex
 * for the length of a transaction, so transactions are serialised, never interleaved.
 */
export class PgliteExecutor implements SqlExecutor {
  constructor(private readonly db: PGlite) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, [...params])).rows;
  }

  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    return this.db.transaction((tx) => fn(new PgliteTransaction(tx)));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

class PgliteTransaction implements SqlExecutor {
  constructor(private readonly tx: Transaction) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.tx.query<T>(sql, [...params])).rows;
  }

  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.reject(new Error('close() called inside a transaction'));
  }
}
