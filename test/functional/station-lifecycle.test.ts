import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportLog } from '../../src/station/import-log/index.js';
import { openEmbeddedStore } from '../../src/storage/index.js';
import { copyImage, ensureDiskFixtures, putSignature, readExpected } from '../helpers/disks.js';
import { CLI, freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// The station's other steps with real processes: a customer cancels during a load (it stops within
// seconds and still writes its log), then erase and return after a finished load.
const TIMEOUT = 600_000;
let dataDir: string;
let work: string;
let server: ServeProcess;
let serverUrl: string;
let customerEnv: NodeJS.ProcessEnv;
let accessKeyId: string;

const cli = (args: string[]) => runCli([...args, '--server', serverUrl, '--data-dir', dataDir, '--json']);

beforeAll(async () => {
  await ensureDiskFixtures();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-lifecycle-'));
  work = await mkdtemp(join(tmpdir(), 'longshore-lifecycle-disks-'));
  const port = await freePort();
  server = await startServe(['--data-dir', dataDir, '--port', String(port)]);
  serverUrl = `http://127.0.0.1:${port}`;
  const account = JSON.parse(
    (await cli(['admin', 'account', 'create', '--email', 'life@example.org'])).stdout,
  ) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  accessKeyId = account.accessKeyId;
  await cli(['admin', 'bucket', 'create', 'lifecycle', '--owner', accessKeyId]);
  customerEnv = {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    LONGSHORE_ENDPOINT: serverUrl,
  };
}, TIMEOUT);
afterAll(async () => {
  server?.proc.kill('SIGTERM');
  await server?.exited;
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** A job whose device (a copy of `fixture` with the job's SIGNATURE) has passed intake. */
async function receivedJob(fixture: string): Promise<{ jobId: string; device: string }> {
  const manifest = join(work, `${fixture}.yaml`);
  await writeFile(manifest, importManifest('lifecycle', `accessKeyId: ${accessKeyId}\n`));
  const signatureFile = join(work, `${fixture}.SIGNATURE`);
  const created = await runCli(
    [
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      manifest,
      '--signature-file',
      signatureFile,
      '--json',
    ],
    customerEnv,
  );
  const jobId = (JSON.parse(created.stdout) as { JobId: string }).JobId;
  const device = await copyImage(fixture, work);
  await putSignature(device, fixture, await readFile(signatureFile, 'utf8'));
  expect((await cli(['station', 'receive', '--job-id', jobId, '--device', device])).code).toBe(0);
  return { jobId, device };
}

function localRows(jobId: string): number {
  const path = join(dataDir, 'station', 'loads', jobId, 'import-log.csv');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\r\n').length - 2 : 0;
}

interface AdminJob {
  job: {
    isCanceled: boolean;
    progressCode: string;
    locationCode: string;
    logKey: string | null;
    carrier: string | null;
    trackingNumber: string | null;
  };
}

describe('station lifecycle with real processes', () => {
  it(
    'a cancel during a load stops it within seconds; the log covers what was done',
    async () => {
      const { jobId } = await receivedJob('ext2-gpt');
      const proc = spawn(
        process.execPath,
        [CLI, 'station', 'load', '--job-id', jobId, '--server', serverUrl, '--data-dir', dataDir, '--json'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
      while (localRows(jobId) < 1_000) await sleep(20);
      expect((await runCli(['cancel-job', '--job-id', jobId], customerEnv)).code).toBe(0);
      const canceledAt = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - canceledAt).toBeLessThan(15_000);
      expect(JSON.parse(stdout)).toMatchObject({ outcome: 'canceled' });

      const shown = JSON.parse((await cli(['admin', 'job', 'show', jobId])).stdout) as AdminJob;
      expect(shown.job).toMatchObject({
        isCanceled: true,
        locationCode: 'AtAWS',
        logKey: `import-log-${jobId}.csv`,
      });
      expect(['Success', 'SuccessWithErrors']).toContain(shown.job.progressCode);
      const status = await runCli(['get-status', '--job-id', jobId, '--json'], customerEnv);
      expect(status.stderr).toContain('CanceledJobIdException');

      const store = await openEmbeddedStore(join(dataDir, 'objects'));
      try {
        const chunks: Buffer[] = [];
        for await (const c of (await store.getObject(
          'lifecycle',
          `import-log-${jobId}.csv`,
        )) as AsyncIterable<Buffer>)
          chunks.push(c);
        const rows = parseImportLog(Buffer.concat(chunks).toString('utf8'));
        const files = (await readExpected('ext2-gpt')).filter((e) => e.type !== 'directory').length;
        expect(rows.length).toBeGreaterThanOrEqual(1_000);
        expect(rows.length).toBeLessThan(files);
        for (const row of rows.filter((r) => r.status === 200)) {
          expect(await store.headObject('lifecycle', row.key.slice('lifecycle/'.length))).not.toBeNull();
        }
      } finally {
        await store.close();
      }
    },
    TIMEOUT,
  );

  it(
    'erase zero-fills the device after the load, then return records carrier and tracking number',
    async () => {
      const { jobId, device } = await receivedJob('fat32-mbr');
      expect((await cli(['station', 'load', '--job-id', jobId])).code).toBe(0);
      const size = (await stat(device)).size;
      const refused = await cli(['station', 'erase', '--job-id', jobId]);
      expect(refused.code).toBe(2);
      const erased = await cli(['station', 'erase', '--job-id', jobId, '--yes']);
      expect(erased.code, erased.stderr).toBe(0);
      expect((await stat(device)).size).toBe(size);
      const handle = await open(device, 'r');
      try {
        const block = Buffer.alloc(1 << 20);
        for (const at of [0, 1 << 20, Math.floor(size / 2), size - (1 << 20)]) {
          await handle.read(block, 0, block.length, at);
          expect(
            block.every((b) => b === 0),
            `byte ${at}`,
          ).toBe(true);
        }
      } finally {
        await handle.close();
      }
      const returned = await cli([
        'station',
        'return',
        '--job-id',
        jobId,
        '--carrier',
        'UPS',
        '--tracking-number',
        '1Z999AA10123456784',
      ]);
      expect(returned.code, returned.stderr).toBe(0);
      const status = JSON.parse(
        (await runCli(['get-status', '--job-id', jobId, '--json'], customerEnv)).stdout,
      ) as Record<string, unknown>;
      expect(status).toMatchObject({
        LocationCode: 'Returned',
        ProgressCode: 'Success',
        Carrier: 'UPS',
        TrackingNumber: '1Z999AA10123456784',
      });
    },
    TIMEOUT,
  );
});
