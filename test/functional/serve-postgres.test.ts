import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startServe } from '../helpers/processes.js';

// `longshore serve --database-url` against the machine's real PostgreSQL, in a throwaway database.
const adminUrl = process.env.LONGSHORE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `longshore_f_${randomBytes(5).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

async function adminSql(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(process.env.LONGSHORE_SKIP_PG === '1')('longshore serve --database-url (PostgreSQL)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'longshore-pg-'));
    await adminSql(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await adminSql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps accounts and buckets in PostgreSQL across restarts', async () => {
    const port = await freePort();
    const args = ['--data-dir', dataDir, '--port', String(port), '--database-url', databaseUrl];
    const cli = (more: string[]) =>
      runCli([...more, '--server', `http://127.0.0.1:${port}`, '--data-dir', dataDir, '--json']);
    let server = await startServe(args);
    expect(server.output()).toContain(database);
    const created = await cli(['admin', 'account', 'create', '--email', 'pg@example.org']);
    expect(created.code, created.stderr).toBe(0);
    const { accessKeyId } = JSON.parse(created.stdout) as { accessKeyId: string };
    expect((await cli(['admin', 'bucket', 'create', 'pg-bucket', '--owner', accessKeyId])).code).toBe(0);
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const rows = await client.query('SELECT name, owner FROM buckets');
    await client.end();
    expect(rows.rows).toEqual([{ name: 'pg-bucket', owner: accessKeyId }]);

    server = await startServe(args);
    const list = JSON.parse((await cli(['admin', 'bucket', 'list'])).stdout) as {
      buckets: { name: string }[];
    };
    expect(list.buckets.map((b) => b.name)).toEqual(['pg-bucket']);
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 120_000);
});
