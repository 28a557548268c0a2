import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { copyImage, ensureDiskFixtures, putSignature } from './disks.js';
import { freePort, runCli, startServe, type CliResult, type ServeProcess } from './processes.js';
import { importManifest } from './services.js';

/**
 * A running `longshore serve` with one customer account that owns `bucket`, for functional tests
 * of the station: real processes, real CLI commands, the disk fixtures. `env` goes to serve and to
 * every command (e.g. the LONGSHORE_S3_* of a storage target); `serveArgs` to serve and
 * `stationArgs` to every `station` command (e.g. --s3-endpoint and the keys).
 */
export interface StationWorld {
  readonly dataDir: string;
  /** A scratch folder for manifests, SIGNATUREs and device copies. */
  readonly work: string;
  readonly serverUrl: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  /** AWS_* and LONGSHORE_ENDPOINT of the customer, for customer commands. */
  readonly customerEnv: NodeJS.ProcessEnv;
  /**
   * An admin or station command against this server and data directory, with --json; `env` is
   * laid over the world's, `timeoutMs` as runCli's.
   */
  cli(args: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CliResult>;
  /** A customer command (create-job, get-status, cancel-job...). */
  customer(args: string[]): Promise<CliResult>;
  /** A new job through `create-job`; `extra` is added to the manifest. */
  createJob(name: string, extra?: string): Promise<{ jobId: string; signature: string }>;
  /** Complete rows in the station's local import log of a running load (0 before it exists). */
  localLogRows(jobId: string): number;
  /** A job whose device, a copy of `fixture` with its SIGNATURE, passed `station receive`. */
  receivedJob(fixture: string, extra?: string): Promise<{ jobId: string; device: string }>;
  stop(): Promise<void>;
}

export async function startStationWorld(
  label: string,
  options: { bucket?: string; env?: NodeJS.ProcessEnv; serveArgs?: string[]; stationArgs?: string[] } = {},
): Promise<StationWorld> {
  await ensureDiskFixtures();
  const env = options.env ?? {};
  const bucket = options.bucket ?? `${label}-bucket`;
  const dataDir = await mkdtemp(join(tmpdir(), `longshore-${label}-`));
  const work = await mkdtemp(join(tmpdir(), `longshore-${label}-disks-`));
  const port = await freePort();
  const serveArgs = ['--data-dir', dataDir, '--port', String(port), ...(options.serveArgs ?? [])];
  const server: ServeProcess = await startServe(serveArgs, env);
  const serverUrl = `http://127.0.0.1:${port}`;
  const cli = (args: string[], over: NodeJS.ProcessEnv = {}, timeoutMs?: number) => {
    const station = args[0] === 'station' ? (options.stationArgs ?? []) : [];
    const common = ['--server', serverUrl, '--data-dir', dataDir, '--json'];
    return runCli([...args, ...station, ...common], { ...env, ...over }, timeoutMs);
  };
  const created = await cli(['admin', 'account', 'create', '--email', `${label}@example.org`]);
  const account = JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string };
  const madeBucket = await cli(['admin', 'bucket', 'create', bucket, '--owner', account.accessKeyId]);
  expect(madeBucket.code, madeBucket.stderr).toBe(0);
  const customerEnv = {
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    LONGSHORE_ENDPOINT: serverUrl,
  };
  const customer = (args: string[]) => runCli(args, customerEnv);
  let jobs = 0;

  async function createJob(name: string, extra = ''): Promise<{ jobId: string; signature: string }> {
    const file = join(work, `${name}-${++jobs}`);
    await writeFile(`${file}.yaml`, importManifest(bucket, `accessKeyId: ${account.accessKeyId}\n${extra}`));
    const run = await customer([
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      `${file}.yaml`,
      '--signature-file',
      `${file}.SIGNATURE`,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    return {
      jobId: (JSON.parse(run.stdout) as { JobId: string }).JobId,
      signature: await readFile(`${file}.SIGNATURE`, 'utf8'),
    };
  }

  return {
    dataDir,
    work,
    serverUrl,
    bucket,
    accessKeyId: account.accessKeyId,
    customerEnv,
    cli,
    customer,
    createJob,
    localLogRows(jobId) {
      const path = join(dataDir, 'station', 'loads', jobId, 'import-log.csv');
      if (!existsSync(path)) return 0;
      return Math.max(0, readFileSync(path, 'utf8').split('\r\n').length - 2); // header and the open line
    },
    async receivedJob(fixture, extra) {
      const { jobId, signature } = await createJob(fixture, extra);
      const folder = join(work, jobId);
      await mkdir(folder, { recursive: true });
      const device = await copyImage(fixture, folder);
      await putSignature(device, fixture, signature);
      const receive = await cli(['station', 'receive', '--job-id', jobId, '--device', device]);
      expect(receive.code, receive.stderr).toBe(0);
      return { jobId, device };
    },
    async stop() {
      server.proc.kill('SIGTERM');
      await server.exited;
      await rm(dataDir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
}
