import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/cli/control-plane.js';
import { resolveConfig } from '../../src/config/index.js';
import { customerWithBucket, importManifest } from '../helpers/services.js';
import { freePort } from '../helpers/processes.js';

// The control plane in-process, with its real adapters: the expiry scheduler and the data directory.
let dataDir: string;
let plane: ControlPlane;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-plane-'));
  const flags = {
    dataDir,
    port: String(await freePort()),
    smtpPort: String(await freePort()),
    expiryCheckInterval: '1',
    jobExpiryDays: '30',
  };
  plane = await startControlPlane(resolveConfig('serve', flags, {}));
});
afterAll(async () => {
  await plane.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('control plane', () => {
  it('keeps its secrets in the data directory, readable by the owner only', async () => {
    for (const name of ['master.key', 'signing.key', 'admin-token']) {
      expect((await stat(join(dataDir, name))).mode & 0o077).toBe(0);
    }
  });

  it('expires jobs older than --job-expiry-days with its scheduler', async () => {
    const customer = await customerWithBucket(plane, 'expiry-bucket');
    const created = await plane.jobs.createJob({
      caller: customer.key,
      jobType: 'Import',
      manifestText: importManifest('expiry-bucket'),
      validateOnly: false,
      actor: 'test',
    });
    // Backdate the job 31 days through the store (the scheduler uses the real clock).
    const old = new Date(Date.now() - 31 * 86_400_000);
    const backdated = await plane.store.transitionJob(
      created.jobId!,
      {},
      {},
      { event: 'backdate', at: old, actor: 'test' },
    );
    expect(backdated).not.toBeNull();
    await plane.store.createJob(
      { ...backdated!, jobId: 'XYZ11', createdAt: old, updatedAt: old },
      { event: 'create', at: old, actor: 'test' },
      { limit: 100, since: old },
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await plane.station.job('XYZ11')).progress).toBe('Expired');
    expect((await plane.station.job(created.jobId!)).progress).toBe('Pending');
  });
});
