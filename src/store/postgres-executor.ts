import pg from 'pg';
import type { SqlExecutor } from './sql-executor.js';

/** Opens a connection pool to the PostgreSQL database at `url` and checks that it answers. */
export async function openPostgres(url: string): Promise<PostgresExecutor> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose server connection drops emits 'error' on the pool; without a listener
  // that would crash the process. The pool discards the client and the next query reports it.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresExecutor(pool);
}

/**
 * SqlExecutor over a node-postgres Pool. Unlike PGlite, transactions here really run side by
 * side, so the store's SQL takes row locks (FOR UPDATE, guarded UPDATEs) where it matters.
 */
export class PostgresExecutor implements SqlExecutor {
  constructor(private readonly pool: pg.Pool) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, [...params])).rows as T[];
  }

  async transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The caller needs the original error; a failed ROLLBACK only means the connection is
      // unusable, so it is destroyed instead of going back to the pool.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

class PostgresTransaction implements SqlExecutor {
  constructor(private readonly client: pg.PoolClient) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, [...params])).rows as T[];
  }

  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.reject(new Error('close() called inside a transaction'));
  }
}
