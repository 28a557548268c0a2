/**
 * Longshore driven through its real CLI, as at a loading station: one `longshore serve` per
 * storage target for the whole bench (the gateway, the embedded store in the data directory, or
 * the null sink), one customer account; for every run a fresh bucket (`admin bucket create`), a
 * job (`create-job`), its SIGNATURE on the device and `station receive`, then the command to
 * time: `station load --job-id ID --json`, with the same data directory and storage target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../devices/shell.js';
import { writeSignature, type DataSet } from './datasets.js';
import type { ClientCommand } from './peers.js';

/** An S3-compatible storage target (`LONGSHORE_S3_*`); null is the embedded store. */
export interface S3Target {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running `longshore serve` and how to talk to it. */
export interface Station {
  readonly pid: number;
  /** The station's data directory (its embedded store is `<dataDir>/objects`). */
  readonly dataDir: string;
  /** Runs a `longshore` command as the station (admin token from the data directory), --json. */
  cli(args: readonly string[], env?: Record<string, string>): Promise<unknown>;
  /** Makes a received job of `set` loading into `bucket`; `device` says which copy is read. */
  prepareJob(set: DataSet, device: 'dir' | 'ext2', bucket: string): Promise<ClientCommand>;
  stop(): Promise<void>;
}

const ACCEPTED = 'FAT32,ext2,ext3,ext4,NTFS';

function waitForReady(proc: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${text}`)), 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('longshore serve: ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${text}`));
    });
  });
}

function manifest(bucket: string, accessKeyId: string): string {
  return [
    'manifestVersion: 2.0',
    `bucket: ${bucket}`,
    `accessKeyId: ${accessKeyId}`,
    'deviceId: BENCH-0001',
    'eraseDevice: no',
    'returnAddress:',
    '  name: Bench Station',
    '  street1: 1 Main St',
    '  city: Springfield',
    '  stateOrProvince: OR',
    '  postalCode: 97477',
    '  phoneNumber: 555-0100',
    '  country: USA',
    '',
  ].join('\n');
}

/** What a station is started with. */
export interface StationOptions {
  /** The storage target; null: the embedded store in the data directory. */
  readonly s3: S3Target | null;
  /** Where the data directory is made (a temporary folder when undefined). */
  readonly dataParent?: string | undefined;
  readonly concurrency?: number | undefined;
  readonly cpuProf?: string | undefined;
}

function s3EnvOf(s3: S3Target | null): Record<string, string> {
  if (s3 === null) return {};
  return {
    LONGSHORE_S3_ENDPOINT: s3.endpoint,
    LONGSHORE_S3_ACCESS_KEY_ID: s3.accessKeyId,
    LONGSHORE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
}

/**
 * Starts `node <root>/bin/longshore.js serve` on `ports` with its storage target and creates the
 * customer account. Throws when serve does not come up or a command fails.
 */
export async function startStation(
  root: string,
  ports: { http: number; smtp: number },
  load: StationOptions,
): Promise<Station> {
  const cliPath = join(root, 'bin', 'longshore.js');
  const dataDir = await mkdtemp(join(load.dataParent ?? tmpdir(), 'longshore-load-data-'));
  const work = await mkdtemp(join(tmpdir(), 'longshore-load-jobs-'));
  const s3Env = s3EnvOf(load.s3);
  const serveArgs = [
    cliPath,
    'serve',
    '--data-dir',
    dataDir,
    '--port',
    String(ports.http),
    '--smtp-port',
    String(ports.smtp),
  ];
  const proc = spawn(process.execPath, serveArgs, {
    env: { ...process.env, ...s3Env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForReady(proc);
  const server = `http://127.0.0.1:${ports.http}`;
  const stationArgs = ['--server', server, '--data-dir', dataDir, '--json'];
  const cli = async (args: readonly string[], env: Record<string, string> = {}) => {
    const result = await runCommand(process.execPath, [cliPath, ...args, ...stationArgs], {
      ...s3Env,
      ...env,
    });
    return JSON.parse(result.stdout) as unknown;
  };
  const account = (await cli(['admin', 'account', 'create', '--email', 'load-bench@example.org'])) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  let jobs = 0;

  async function prepareJob(set: DataSet, device: 'dir' | 'ext2', bucket: string): Promise<ClientCommand> {
    await cli(['admin', 'bucket', 'create', bucket, '--owner', account.accessKeyId]);
    const file = join(work, `job-${++jobs}`);
    await writeFile(`${file}.yaml`, manifest(bucket, account.accessKeyId));
    const customerEnv = {
      AWS_ACCESS_KEY_ID: account.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
      LONGSHORE_ENDPOINT: server,
    };
    const createArgs = [
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      `${file}.yaml`,
      '--signature-file',
      `${file}.SIGNATURE`,
      '--json',
    ];
    const created = await runCommand(process.execPath, [cliPath, ...createArgs], customerEnv);
    const jobId = (JSON.parse(created.stdout) as { JobId: string }).JobId;
    await writeSignature(set, `${file}.SIGNATURE`);
    const path = device === 'dir' ? set.tree : set.image;
    const received = (await cli([
      'station',
      'receive',
      '--job-id',
      jobId,
      '--device',
      path,
      '--accepted-file-systems',
      ACCEPTED,
    ])) as {
      passed: boolean;
      detail: string;
    };
    if (!received.passed) throw new Error(`station receive of ${path} did not pass: ${received.detail}`);
    const tuning = load.concurrency === undefined ? [] : ['--concurrency', String(load.concurrency)];
    const profile = load.cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', load.cpuProf];
    return {
      command: process.execPath,
      args: [
        ...profile,
        cliPath,
        'station',
        'load',
        '--job-id',
        jobId,
        ...tuning,
        '--accepted-file-systems',
        ACCEPTED,
        ...stationArgs,
      ],
      env: s3Env,
    };
  }

  return {
    pid: proc.pid!,
    dataDir,
    cli,
    prepareJob,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((resolve) => (proc.exitCode === null ? proc.once('exit', resolve) : resolve(null)));
      await rm(dataDir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** What `station load --json` reports, the fields the bench checks. */
export interface LoadReport {
  readonly outcome: string;
  readonly files: number;
  readonly bytes: number;
  readonly errors: number;
  readonly seconds: number;
}

/** Reads the JSON of `station load`. Throws when it is not a finished load without errors. */
export function checkLoadReport(stdout: string): LoadReport {
  const report = JSON.parse(stdout) as LoadReport;
  if (report.outcome !== 'finished' || report.errors !== 0) {
    throw new Error(`station load did not finish cleanly: ${stdout.slice(0, 2000)}`);
  }
  return report;
}
