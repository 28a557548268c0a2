import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, StoreAccountsService } from '../../src/accounts/index.js';
import { JobService } from '../../src/jobs/index.js';
import { openStore } from '../../src/store/index.js';
import { importManifest } from '../helpers/services.js';
import { freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';

// `longshore serve` as a real process, driven by the real `longshore admin` commands.
let dataDir: string;
let port: number;
let server: ServeProcess | null = null;

const admin = (args: string[]) =>
  runCli([...args, '--server', `http://127.0.0.1:${port}`, '--data-dir', dataDir, '--json']);
const serveArgs = () => ['--data-dir', dataDir, '--port', String(port), '--expiry-check-interval', '1'];

async function stop(signal: NodeJS.Signals): Promise<{ code: number | null; output: string }> {
  const running = server!;
  server = null;
  running.proc.kill(signal);
  const { code } = await running.exited;
  return { code, output: running.output() };
}

/** Opens the stopped server's own data directory in-process (PGlite allows one process at a time). */
async function withDataDir<T>(
  fn: (deps: {
    store: Awaited<ReturnType<typeof openStore>>;
    signingKey: Buffer;
    masterKey: Buffer;
  }) => Promise<T>,
): Promise<T> {
  const key = async (name: string) =>
    Buffer.from((await readFile(join(dataDir, name), 'utf8')).trim(), 'base64');
  const store = await openStore({ dataDir });
  try {
    return await fn({ store, signingKey: await key('signing.key'), masterKey: await key('master.key') });
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-serve-'));
  port = await freePort();
});
afterAll(async () => {
  if (server) await stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('longshore serve (embedded store)', () => {
  let keyId = '';
  let secret = '';
  let jobId = '';

  it('starts with embedded defaults and prints where it listens', async () => {
    server = await startServe(serveArgs());
    expect(server.output()).toContain(`http://127.0.0.1:${port}`);
    expect(server.output()).toContain(dataDir);
    expect(server.output()).toContain('embedded');
    expect(server.output()).toContain(
      `storage          embedded bucket store in ${join(dataDir, 'objects')}`,
    );
    const health = await fetch(`http://127.0.0.1:${port}/admin/v1/health`);
    expect(health.status).toBe(200);
  });

  it('creates accounts and buckets through `longshore admin`', async () => {
    const created = await admin([
      'admin',
      'account',
      'create',
      '--email',
      'ops@example.org',
      '--name',
      'Ops',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const keys = JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string };
    expect(keys.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(keys.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    keyId = keys.accessKeyId;
    secret = keys.secretAccessKey;
    const bucket = await admin(['admin', 'bucket', 'create', 'photos', '--owner', keyId]);
    expect(bucket.code, bucket.stderr).toBe(0);
    const update = await admin(['admin', 'account', 'update', keyId, '--problem']);
    expect(update.code, update.stderr).toBe(0);
    const again = await admin(['admin', 'bucket', 'create', 'photos', '--owner', keyId]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('BucketAlreadyOwnedByYou');
  });

  it('refuses a second server on the same data directory', async () => {
    const second = await runCli(['serve', '--data-dir', dataDir, '--port', String(await freePort())]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('InvalidConfiguration');
    expect(second.stderr).toContain('already using');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const { code, output } = await stop('SIGTERM');
    expect(code).toBe(0);
    expect(output).toContain('stopped cleanly');
  });

  it('keeps the secret sealed at rest, and the printed keys are the stored ones', async () => {
    await withDataDir(async ({ store, masterKey, signingKey }) => {
      const row = await store.getAccount(keyId);
      expect(row!.secretCiphertext).not.toContain(secret);
      const accounts = new StoreAccountsService({
        store,
        secrets: new SecretBox(masterKey),
        defaultRegion: 'us-east-1',
      });
      expect(await accounts.secretOf(keyId)).toBe(secret);
      await accounts.updateAccount(keyId, { problem: false });
      const jobs = new JobService({
        store,
        signingKey,
        createJobQuota: 50,
        stationCountry: 'US',
        expiredRetentionDays: 30,
      });
      const created = await jobs.createJob({
        caller: keyId,
        jobType: 'Import',
        manifestText: importManifest('photos'),
        validateOnly: false,
        actor: 'test',
      });
      jobId = created.jobId!;
    });
  });

  it('keeps every account, bucket and job across restarts (SIGINT, then kill -9)', async () => {
    server = await startServe(serveArgs());
    const check = async () => {
      const accounts = JSON.parse((await admin(['admin', 'account', 'list'])).stdout) as {
        accounts: { accessKeyId: string }[];
      };
      expect(accounts.accounts.map((a) => a.accessKeyId)).toContain(keyId);
      const buckets = JSON.parse((await admin(['admin', 'bucket', 'list'])).stdout) as {
        buckets: { name: string; owner: string }[];
      };
      expect(buckets.buckets).toEqual([expect.objectContaining({ name: 'photos', owner: keyId })]);
      const job = await admin(['admin', 'job', 'show', jobId.toLowerCase()]);
      expect(job.code, job.stderr).toBe(0);
      expect(JSON.parse(job.stdout).job).toMatchObject({
        jobId,
        owner: keyId,
        locationCode: 'NotReceived',
        progressCode: 'Pending',
      });
    };
    await check();
    expect((await stop('SIGINT')).code).toBe(0);
    server = await startServe(serveArgs());
    await check();
    await admin(['admin', 'account', 'create', '--email', 'late@example.org']);
    await stop('SIGKILL');
    server = await startServe(serveArgs());
    await check();
    const accounts = JSON.parse((await admin(['admin', 'account', 'list'])).stdout) as {
      accounts: { emails: string[] }[];
    };
    expect(accounts.accounts.flatMap((a) => a.emails)).toContain('late@example.org');
    expect((await stop('SIGTERM')).code).toBe(0);
  }, 120_000);

  it('rejects a bad option with a catalog error naming it', async () => {
    const bad = await runCli(['serve', '--data-dir', dataDir, '--port', 'eighty']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidConfiguration');
    expect(bad.stderr).toContain('--port');
  });
});
