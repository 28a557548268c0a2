import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListBucketsCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImportLog, type ImportLogRow } from '../../src/station/import-log/index.js';
import type { S3Connection } from '../../src/storage/s3/s3-client.js';
import * as disks from '../helpers/disks.js';
import type { ExpectedEntry } from '../helpers/disks.js';
import { CLI } from '../helpers/processes.js';
import type { RadosgwEnv } from '../helpers/radosgw.js';
import { closeRgwWorld, openRgwWorld, stationS3Env, type RgwWorld } from '../helpers/rgw-world.js';
import {
  objectWrites,
  startS3Proxy,
  type ProxiedRequest,
  type S3Proxy,
  type S3ProxyOptions,
} from '../helpers/s3-proxy.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';
import { uniqueBucketName } from '../helpers/storage.js';

// `longshore station load` into a real Ceph RADOS Gateway through a fault-injecting proxy
// (test/helpers/s3-proxy.ts): `serve` talks to the gateway directly, the station's loads go
// through the proxy, which answers some writes 503 SlowDown, damages chosen bodies, and logs every
// request so the tests can count what reached the gateway. Refusals by the gateway itself
// (a bucket policy) and by the loader (a key over 1024 bytes) end as log rows, and a load killed
// with SIGKILL and resumed never writes a verified object twice. The S3 target is given to serve
// and the station through LONGSHORE_S3_* (load-radosgw.test.ts uses the flags).
const SMALL = 'ext3-dirty'; // 3 files to upload (and a symlink, a FIFO, the SIGNATURE)
const TREE = 'fat32-mbr'; // without many/: 1,016 files, one of 3 MB
const NOT_MANY = 'ignore:\n  - ^many/\n';
const TIMEOUT = 240_000;

let opened: RgwWorld | null = null;
let rgw: RadosgwEnv;
let s3: S3Connection;
let world: StationWorld;
const s3Env = (endpoint: string) => stationS3Env(rgw, endpoint);
const loadArgs = (jobId: string) => ['station', 'load', '--job-id', jobId];

beforeAll(async () => {
  opened = await openRgwWorld((env) =>
    startStationWorld('faults', { bucket: uniqueBucketName('faults'), env: stationS3Env(env) }),
  );
  if (opened !== null) ({ rgw, s3, world } = opened);
}, TIMEOUT);
afterAll(() => closeRgwWorld(opened));
beforeEach((context) => {
  if (opened === null) context.skip();
});

/** Creates a job (manifest lines `extra`), puts its SIGNATURE on a copy of `fixture`, receives it. */
async function receivedJob(fixture: string, extra: string): Promise<string> {
  return (await world.receivedJob(fixture, extra)).jobId;
}

/** Loads `jobId` through a new proxy with `options`; returns the summary, status, rows and the proxy's log. */
async function loadThroughProxy(jobId: string, options: S3ProxyOptions) {
  const proxy = await startS3Proxy(rgw.endpoint, options);
  try {
    const load = await world.cli(loadArgs(jobId), s3Env(proxy.url));
    expect(load.code, load.stderr).toBe(0);
    const summary = JSON.parse(load.stdout) as { outcome: string; errors: number };
    return { summary, stderr: load.stderr, ...(await outcome(jobId)), requests: proxy.requests };
  } finally {
    await proxy.stop();
  }
}

/** The job's GetStatus and the rows of its log object, read from the gateway. */
async function outcome(jobId: string) {
  const status = JSON.parse(
    (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
  ) as Record<string, string | number>;
  const log = await s3.client.send(
    new GetObjectCommand({ Bucket: world.bucket, Key: String(status.LogKey) }),
  );
  const rows = parseImportLog(await log.Body!.transformToString('utf8'));
  return { status, rows, byFile: new Map<string, ImportLogRow>(rows.map((r) => [r.file, r])) };
}

/** The fixture's regular files that are uploaded (the SIGNATURE is not), minus `ignored`. */
async function uploadable(fixture: string, ignored = /^$/): Promise<ExpectedEntry[]> {
  return (await disks.readExpected(fixture)).filter(
    (e) => e.type === 'file' && e.path !== 'SIGNATURE' && !ignored.test(e.path),
  );
}

/** sha256 of the object at `key` in the test bucket. */
async function storedSha256(key: string): Promise<string> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: world.bucket, Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of answer.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file is in the bucket under `prefix` with its bytes (16 reads at a time). */
async function expectStored(prefix: string, files: ExpectedEntry[]): Promise<void> {
  let next = 0;
  const reader = async () => {
    for (let entry = files[next++]; entry; entry = files[next++])
      expect([entry.path, await storedSha256(`${prefix}${entry.path}`)]).toEqual([entry.path, entry.sha256]);
  };
  await Promise.all(Array.from({ length: 16 }, reader));
}

/** Expects one row per file, with the [status, code] `expected` gives it. */
function expectRows(
  byFile: Map<string, ImportLogRow>,
  files: ExpectedEntry[],
  expected: (e: ExpectedEntry) => unknown[],
) {
  for (const e of files) {
    const row = byFile.get(e.path);
    expect([e.path, row?.status, row?.code], JSON.stringify(row)).toEqual([e.path, ...expected(e)]);
  }
}

const OK = [200, 'OK'];

describe('station load into Ceph RGW through a faulty network', () => {
  it(
    'ends Success when 10% of writes are answered 503 SlowDown: the loader sends them again',
    async () => {
      const prefix = 'slowdown/';
      const jobId = await receivedJob(TREE, `prefix: ${prefix}\n${NOT_MANY}`);
      const { summary, stderr, status, byFile, requests } = await loadThroughProxy(jobId, {
        fail503: { ratio: 0.1, seed: 7 },
      });
      const files = await uploadable(TREE, /^many\//);
      expectRows(byFile, files, () => OK); // first: a failed row names its file and error
      expect(summary, stderr).toMatchObject({ outcome: 'finished', errors: 0 });
      expect([status.ProgressCode, status.ErrorCount]).toEqual(['Success', 0]);
      const puts = requests.filter((r) => r.method === 'PUT' && r.key.startsWith(prefix));
      const refused = puts.filter((r) => r.injected === 'slowdown');
      expect(refused.length).toBeGreaterThan(files.length * 0.05);
      expect(puts.length).toBe(files.length + refused.length); // every refused PUT sent again, no other
      const written = objectWrites(requests);
      for (const r of refused) expect([r.key, written.get(r.key)]).toEqual([r.key, 1]);
      await expectStored(prefix, files);
    },
    TIMEOUT,
  );

  /** Loads SMALL with two files' bodies damaged on every try; `resign` as in S3ProxyOptions.resignWith. */
  async function damagedLoad(name: string, resign: boolean): Promise<void> {
    const prefix = `${name}/`;
    const damaged = new Set(['docs/notes.txt', 'photo.jpg']);
    const jobId = await receivedJob(SMALL, `prefix: ${prefix}\n`);
    const corrupt = (method: string, path: string) =>
      method === 'PUT' && [...damaged].some((file) => path === `/${world.bucket}/${prefix}${file}`);
    const resignWith = resign ? rgw.secretAccessKey : undefined;
    const { summary, status, byFile, requests } = await loadThroughProxy(jobId, { corrupt, resignWith });
    const files = await uploadable(SMALL);
    expectRows(byFile, files, (e) => (damaged.has(e.path) ? [400, 'BadDigest'] : OK));
    for (const e of files) {
      const tries = requests.filter((r) => r.method === 'PUT' && r.key === `${prefix}${e.path}`);
      if (!damaged.has(e.path)) expect([e.path, tries.map((r) => r.status)]).toEqual([e.path, [200]]);
      else
        expect([e.path, tries.length > 1, tries.every((r) => r.status === 400)]).toEqual([
          e.path,
          true,
          true,
        ]);
    }
    expect([summary.errors, status.ErrorCount, status.ProgressCode]).toEqual([2, 2, 'SuccessWithErrors']);
    await expectStored(
      prefix,
      files.filter((e) => !damaged.has(e.path)),
    );
  }

  it(
    'logs 400 BadDigest, after retries, for files whose bytes no longer match their Content-MD5',
    async () => {
      await damagedLoad('damaged', true);
    },
    TIMEOUT,
  );

  // Damaged on the wire, a body fails SigV4's payload hash first: RGW (and S3) answer
  // 400 XAmzContentSHA256Mismatch, which the S3 adapter reads as BadDigest (retried, then logged).
  it(
    'logs 400 BadDigest, after retries, for bodies damaged on the wire (payload hash wrong)',
    async () => {
      await damagedLoad('wire', false);
    },
    TIMEOUT,
  );

  it(
    'logs 403 AccessDenied for files under a prefix a bucket policy denies to the service',
    async () => {
      const prefix = 'denied/';
      // RGW names a user `arn:aws:iam:::user/<uid>`; the uid is the Owner ID of its ListBuckets.
      const uid = (await s3.client.send(new ListBucketsCommand({}))).Owner?.ID;
      expect(uid).toBeTruthy();
      const Statement = [
        {
          Effect: 'Deny',
          Principal: { AWS: [`arn:aws:iam:::user/${uid}`] },
          Action: ['s3:PutObject'],
          Resource: [`arn:aws:s3:::${world.bucket}/${prefix}docs/*`],
        },
      ];
      const Policy = JSON.stringify({ Version: '2012-10-17', Statement });
      await s3.client.send(new PutBucketPolicyCommand({ Bucket: world.bucket, Policy }));
      const jobId = await receivedJob(SMALL, `prefix: ${prefix}\n`);
      const { summary, status, byFile } = await loadThroughProxy(jobId, {});
      const files = await uploadable(SMALL);
      const denied = (e: ExpectedEntry) => e.path.startsWith('docs/');
      expectRows(byFile, files, (e) => (denied(e) ? [403, 'AccessDenied'] : OK));
      expect([summary.errors, status.ErrorCount, status.ProgressCode]).toEqual([1, 1, 'SuccessWithErrors']);
      await expectStored(
        prefix,
        files.filter((e) => !denied(e)),
      );
    },
    TIMEOUT,
  );

  it(
    'logs 400 KeyTooLong, sending nothing, for paths the prefix pushes past 1024 bytes',
    async () => {
      const files = await uploadable(SMALL);
      const longest = Math.max(...files.map((e) => Buffer.byteLength(e.path)));
      const prefix = `${'k'.repeat(1024 - longest)}/`; // the longest paths get keys of 1025 bytes
      const tooLong = (e: ExpectedEntry) => Buffer.byteLength(prefix + e.path) > 1024;
      const fitting = files.filter((e) => !tooLong(e));
      expect([fitting.length > 0, fitting.length < files.length]).toEqual([true, true]);
      const jobId = await receivedJob(SMALL, `prefix: ${prefix}\n`);
      const { status, byFile, requests } = await loadThroughProxy(jobId, {});
      expectRows(byFile, files, (e) => (tooLong(e) ? [400, 'KeyTooLong'] : OK));
      const sent = new Set(requests.map((r) => r.key));
      expect(files.filter((e) => sent.has(prefix + e.path))).toEqual(fitting);
      expect([status.ErrorCount, status.ProgressCode]).toEqual([
        files.length - fitting.length,
        'SuccessWithErrors',
      ]);
    },
    TIMEOUT,
  );

  it(
    'never writes a verified object twice when a load is killed with SIGKILL and resumed',
    async () => {
      const prefix = 'killed/';
      const jobId = await receivedJob(TREE, `prefix: ${prefix}\n${NOT_MANY}`);
      const proxy = await startS3Proxy(rgw.endpoint);
      try {
        const runs: ProxiedRequest[][] = [];
        for (const after of [40, 300, 650]) {
          const from = proxy.requests.length;
          if (await loadAndKill(jobId, proxy, prefix, after)) runs.push(proxy.requests.slice(from));
        }
        expect(runs.length, 'loads killed').toBeGreaterThanOrEqual(2);
        const from = proxy.requests.length;
        const last = await world.cli(loadArgs(jobId), s3Env(proxy.url));
        expect(last.code, last.stderr).toBe(0);
        runs.push(proxy.requests.slice(from));

        const { status, byFile } = await outcome(jobId);
        const files = await uploadable(TREE, /^many\//);
        const errorRows = [...byFile].filter(
          ([, row]) => ![200, 103].includes((row as { status: number }).status),
        );
        expect([status.ProgressCode, status.ErrorCount], JSON.stringify(errorRows)).toEqual(['Success', 0]);
        expectRows(byFile, files, () => OK);
        const twice = [...objectWrites(proxy.requests)].filter(([, count]) => count > 1);
        expect(twice, 'keys written twice').toEqual([]);
        // The kills did hit the window that matters: objects stored by a killed run, without their
        // row yet, that the next run found (HEAD) instead of sending again.
        expect(runs.slice(1).some((run, i) => foundAgain(runs[i]!, run) > 0)).toBe(true);
        await expectStored(prefix, files);
      } finally {
        await proxy.stop();
      }
    },
    TIMEOUT,
  );
});

/** Keys stored by PutObject in `killed` that `next` asked about again (HEAD), without a PutObject. */
function foundAgain(killed: ProxiedRequest[], next: ProxiedRequest[]): number {
  const stored = new Set(killed.filter((r) => r.method === 'PUT' && r.status === 200).map((r) => r.key));
  const put = new Set(next.filter((r) => r.method === 'PUT').map((r) => r.key));
  return new Set(
    next.filter((r) => r.method === 'HEAD' && stored.has(r.key) && !put.has(r.key)).map((r) => r.key),
  ).size;
}

/**
 * Runs `station load` through `proxy` and kills it with SIGKILL once the gateway has stored
 * `after` objects under `prefix` (in all runs); false when the load ended first.
 */
async function loadAndKill(jobId: string, proxy: S3Proxy, prefix: string, after: number): Promise<boolean> {
  const env = { ...process.env, ...s3Env(proxy.url) };
  const args = [...loadArgs(jobId), '--server', world.serverUrl, '--data-dir', world.dataDir, '--json'];
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore', env });
  let done = false;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve())).then(() => (done = true));
  const stored = () => [...objectWrites(proxy.requests).keys()].filter((k) => k.startsWith(prefix)).length;
  while (!done && stored() < after) await sleep(2);
  if (done) return false;
  proc.kill('SIGKILL');
  await exited;
  return true;
}
