import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { AdminClient, adminClientFor } from '../../../src/cli/admin-client.js';
import { startAdminServer, TEST_TOKEN, type TestAdminServer } from './admin-server.js';

let server: TestAdminServer;
let dataDir: string;
beforeAll(async () => {
  server = await startAdminServer();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-admin-client-'));
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<CatalogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  return err as CatalogError;
}

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('AdminClient against the admin API', () => {
  it('runs every operation', async () => {
    const client = new AdminClient(`${server.url}/`, TEST_TOKEN);
    expect(await client.health()).toEqual({ status: 'ok' });
    const created = await client.createAccount({ emails: ['one@example.com'], name: 'One' });
    const other = await client.createAccount({ emails: ['two@example.com'] });
    expect(created.account.name).toBe('One');
    const updated = await client.updateAccount(created.accessKeyId, { problem: true });
    expect(updated.account.problem).toBe(true);
    expect((await client.listAccounts()).accounts).toHaveLength(2);
    const bucket = await client.createBucket('client-bucket', created.accessKeyId);
    expect(bucket.bucket.owner).toBe(created.accessKeyId);
    const granted = await client.grantBucket('client-bucket', other.accessKeyId);
    expect(granted.bucket.grants).toEqual([other.accessKeyId]);
    expect((await client.listBuckets()).buckets.map((b) => b.name)).toEqual(['client-bucket']);
    server.jobs.add({ jobId: 'ABC12' });
    const shown = await client.job('abc12');
    expect(shown.job).toMatchObject({ jobId: 'ABC12', owner: 'LSIA0000000000000001' });
    expect(shown.history).toEqual([]);
    expect((await rejection(client.job('ZZZZZ'))).code).toBe('InvalidJobIdException');
  });

  it("carries the server's code and message", async () => {
    const client = new AdminClient(server.url, TEST_TOKEN);
    const err = await rejection(client.grantBucket('no-such-bucket', 'LSIA0000000000000777'));
    expect(err.code).toBe('InvalidClientTokenId');
    const wrongToken = await rejection(new AdminClient(server.url, 'not-the-token-at-all').listAccounts());
    expect(wrongToken.code).toBe('InvalidAdminToken');
  });

  it('reports a server that does not answer as ServerUnreachable', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = await rejection(new AdminClient(url, TEST_TOKEN).listAccounts());
    expect(err.code).toBe('ServerUnreachable');
    expect(err.message).toContain(url);
    expect(err.details).toEqual({ reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('reports an answer that is not from the admin API as InternalError', async () => {
    const other = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const err = await rejection(new AdminClient(url, TEST_TOKEN).listAccounts());
      expect(err.code).toBe('InternalError');
      expect(String((err.details as { reason: string }).reason)).toContain('HTTP 404');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('adminClientFor', () => {
  it('uses the configured token, else <data-dir>/admin-token', async () => {
    const fromFlag = await adminClientFor({
      server: server.url,
      adminToken: TEST_TOKEN,
      dataDir,
      json: false,
    });
    expect(await fromFlag.listAccounts()).toEqual({ accounts: expect.any(Array) });

    await writeFile(join(dataDir, 'admin-token'), `${TEST_TOKEN}\n`);
    const fromFile = await adminClientFor({ server: server.url, dataDir, json: false });
    expect(await fromFile.listAccounts()).toEqual({ accounts: expect.any(Array) });
  });

  it('fails with InvalidAdminToken naming the file when there is no token', async () => {
    const empty = join(dataDir, 'nowhere');
    const err = await rejection(adminClientFor({ server: server.url, dataDir: empty, json: false }));
    expect(err.code).toBe('InvalidAdminToken');
    expect(String((err.details as { reason: string }).reason)).toContain(join(empty, 'admin-token'));
  });
});
