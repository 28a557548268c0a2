import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, SqlStore, type Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { CachingSqlStore } from '../../src/store/caching-store.js';
import { openPglite } from '../../src/store/pglite-executor.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';

/** Opens a fresh, migrated store; closing it discards it. */
export interface StoreFactory {
  name: 'pglite' | 'pglite-cached' | 'postgres';
  open(): Promise<Store>;
}

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Every store adapter the contract suite runs against: embedded PGlite in memory, and
 * PostgreSQL (a throwaway database per store) unless LONGSHORE_SKIP_PG=1. An unreachable
 * PostgreSQL fails the tests rather than skipping them.
 */
export function storeFactories(): StoreFactory[] {
  const factories: StoreFactory[] = [
    { name: 'pglite', open: () => openReusedPglite(SqlStore) },
    // What `serve` uses for its embedded database: the same SQL behind a read cache.
    { name: 'pglite-cached', open: () => openReusedPglite(CachingSqlStore) },
  ];
  if (process.env.LONGSHORE_SKIP_PG !== '1') {
    const adminUrl = process.env.LONGSHORE_TEST_PG_URL ?? DEFAULT_PG_URL;
    factories.push({ name: 'postgres', open: () => openThrowawayPostgres(adminUrl) });
  }
  return factories;
}

let sharedPglite: Promise<SqlExecutor> | undefined;

/**
 * A fresh PGlite costs seconds of WebAssembly start-up, so the stores of one test file share
 * one in-memory instance: closing a store empties every table instead of closing it, and the
 * next open() migrates it as usual. (openStore's own in-memory path is tested on its own.)
 */
async function openReusedPglite(Kind: typeof SqlStore): Promise<Store> {
  sharedPglite ??= openPglite();
  const db = await sharedPglite;
  const store = new Kind({
    query: (sql, params) => db.query(sql, params),
    transaction: (fn) => db.transaction(fn),
    close: () => emptyDatabase(db),
  });
  await store.migrate();
  return store;
}

/** Empties every table and forgets schema versions the code does not know (tests add some). */
async function emptyDatabase(db: SqlExecutor): Promise<void> {
  const tables = await db.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
  );
  if (tables.length > 0) {
    await db.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`);
  }
  await db.query('DELETE FROM schema_migrations WHERE version > $1', [MIGRATIONS.at(-1)?.version ?? 0]);
}

async function openThrowawayPostgres(adminUrl: string): Promise<Store> {
  const database = `longshore_t_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const drop = () => admin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  try {
    return afterClose(await openStore({ databaseUrl: url.toString() }), drop);
  } catch (error) {
    await drop();
    throw error;
  }
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for the store tests is unreachable at ${redact(adminUrl)} (${String(error)}). ` +
        'Start it, point LONGSHORE_TEST_PG_URL at a server where this user may create databases, ' +
        'or set LONGSHORE_SKIP_PG=1 to run the embedded adapter only.',
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The same store, whose close() also runs `after` (even when closing fails). */
function afterClose(store: Store, after: () => Promise<void>): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'close') {
        return async () => {
          try {
            await target.close();
          } finally {
            await after();
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
