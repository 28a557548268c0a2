import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyImage, ensureDiskFixtures, putSignature, type DiskFixtureIndex } from '../helpers/disks.js';
import { freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// `longshore station receive` as the operator runs it: a real `longshore serve`, the customer's
// `create-job` writing the SIGNATURE file, the fixture disk images of test/fixtures/disks with
// that SIGNATURE put on a copy, and `get-status` / `admin job show` to see the outcome.
let dataDir: string;
let work: string;
let server: ServeProcess;
let fixtures: DiskFixtureIndex;
let customerEnv: NodeJS.ProcessEnv;
let serverUrl: string;

const station = (args: string[]) =>
  runCli([
    'station',
    ...args,
    '--server',
    serverUrl,
    '--data-dir',
    dataDir,
    '--station-name',
    'dock-3',
    '--json',
  ]);
const admin = (args: string[]) =>
  runCli(['admin', ...args, '--server', serverUrl, '--data-dir', dataDir, '--json']);

beforeAll(async () => {
  fixtures = await ensureDiskFixtures();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-station-'));
  work = await mkdtemp(join(tmpdir(), 'longshore-station-disks-'));
  const port = await freePort();
  server = await startServe(['--data-dir', dataDir, '--port', String(port)]);
  serverUrl = `http://127.0.0.1:${port}`;
  const account = JSON.parse((await admin(['account', 'create', '--email', 'disks@example.org'])).stdout) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  await admin(['bucket', 'create', 'disk-bucket', '--owner', account.accessKeyId]);
  customerEnv = {
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    LONGSHORE_ENDPOINT: serverUrl,
  };
  await writeFile(
    join(work, 'manifest.yaml'),
    importManifest('disk-bucket', `accessKeyId: ${account.accessKeyId}\n`),
  );
}, 600_000);
afterAll(async () => {
  server?.proc.kill('SIGTERM');
  await server?.exited;
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** A new job through the customer CLI; returns its ID and the SIGNATURE file it wrote. */
async function createJob(): Promise<{ jobId: string; signature: string }> {
  const signatureFile = join(work, `SIGNATURE-${Math.random().toString(36).slice(2)}`);
  const run = await runCli(
    [
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      join(work, 'manifest.yaml'),
      '--signature-file',
      signatureFile,
      '--json',
    ],
    customerEnv,
  );
  expect(run.code, run.stderr).toBe(0);
  const { JobId } = JSON.parse(run.stdout) as { JobId: string };
  return { jobId: JobId, signature: await readFile(signatureFile, 'utf8') };
}

async function status(
  jobId: string,
): Promise<{ LocationCode: string; ProgressCode: string; ProgressMessage: string }> {
  const run = await runCli(['get-status', '--job-id', jobId, '--json'], customerEnv);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as never;
}

describe('longshore station receive on every fixture disk', () => {
  it('gives AtAWS + Pending for the good disks and the abort code for each bad one', async () => {
    const names = Object.keys(fixtures.images);
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) {
      const fixture = fixtures.images[name]!;
      const { jobId, signature } = await createJob();
      const device = await copyImage(name, work);
      if (fixture.expect === 'Pending') await putSignature(device, name, signature);
      const run = await station(['receive', '--job-id', jobId, '--device', device]);
      const result = JSON.parse(run.stdout) as {
        passed: boolean;
        failure: string | null;
        job: { progressCode: string };
      };
      const seen = await status(jobId);
      expect([name, seen.LocationCode, seen.ProgressCode]).toEqual([name, 'AtAWS', fixture.expect]);
      if (fixture.expect === 'Pending') {
        expect(run.code, `${name}: ${run.stderr}`).toBe(0);
        expect(result.passed).toBe(true);
        if (fixture.warning) expect(seen.ProgressMessage + run.stdout).toMatch(/journal/);
      } else {
        expect(run.code, name).toBe(1);
        expect((JSON.parse(run.stderr) as { error: { code: string } }).error.code).toBe(fixture.expect);
        expect(result.failure).toBe(fixture.expect);
      }
      await rm(device, { force: true });
    }
  }, 900_000);

  it('refuses a disk whose SIGNATURE belongs to another job: InvalidSignature', async () => {
    const mine = await createJob();
    const other = await createJob();
    const device = await copyImage('ext2-gpt', work);
    await putSignature(device, 'ext2-gpt', other.signature);
    const run = await station(['receive', '--job-id', mine.jobId, '--device', device]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('InvalidSignature');
    expect((await status(mine.jobId)).ProgressCode).toBe('InvalidSignature');
    expect((await status(other.jobId)).LocationCode).toBe('NotReceived');
  }, 120_000);

  it('records each step with its time and station in the job history', async () => {
    const { jobId, signature } = await createJob();
    const device = await copyImage('fat32-mbr', work);
    await putSignature(device, 'fat32-mbr', signature);
    expect((await station(['receive', '--job-id', jobId, '--device', device])).code).toBe(0);
    const shown = JSON.parse((await admin(['job', 'show', jobId])).stdout) as {
      history: { at: string; actor: string; location: string; detail: string }[];
    };
    const steps = shown.history.filter((h) => h.actor === 'station:dock-3');
    expect(steps.map((h) => h.detail)).toEqual([
      'device received',
      expect.stringMatching(/^inspection passed: FAT32 volume .*\(partition 1\)/),
    ]);
    for (const step of steps) expect(Date.now() - Date.parse(step.at)).toBeLessThan(120_000);
  }, 120_000);

  it('refuses unknown, canceled jobs before touching the device, and a device path that does not exist', async () => {
    const unknown = await station([
      'receive',
      '--job-id',
      'ZZZZZ',
      '--device',
      '/nonexistent.img',
      '--missing',
      'device',
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('InvalidJobIdException')]);
    const { jobId } = await createJob();
    expect((await runCli(['cancel-job', '--job-id', jobId], customerEnv)).code).toBe(0);
    const canceled = await station([
      'receive',
      '--job-id',
      jobId,
      '--device',
      '/nonexistent.img',
      '--missing',
      'device',
    ]);
    expect([canceled.code, canceled.stderr]).toEqual([1, expect.stringContaining('CanceledJobIdException')]);
    const typo = await createJob();
    const missingPath = await station([
      'receive',
      '--job-id',
      typo.jobId,
      '--device',
      join(work, 'no-such.img'),
    ]);
    expect(missingPath.code).toBe(2);
    expect((await status(typo.jobId)).LocationCode).toBe('NotReceived');
  }, 120_000);
});
