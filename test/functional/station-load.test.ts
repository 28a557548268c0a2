import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type ObjectStore } from '../../src/storage/index.js';
import { parseImportLog, type ImportLogRow } from '../../src/station/import-log/index.js';
import { copyImage, ensureDiskFixtures, putSignature, readExpected } from '../helpers/disks.js';
import { freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// The whole station path as operators run it: `longshore serve`, a customer job, the intake
// fixture disks (all four file systems, partitioned) with the job's SIGNATURE, `station receive`,
// `station load`, then every object's bytes and MD5 and every import-log row are checked against
// the source tree the fixture was built from. The storage target is the embedded store.
const FIXTURES = ['fat32-mbr', 'ext2-gpt', 'ext3-mbr', 'ntfs-gpt'];
const TIMEOUT = 600_000;

let dataDir: string;
let work: string;
let server: ServeProcess;
let serverUrl: string;
let customerEnv: NodeJS.ProcessEnv;
let accessKeyId: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli([...args, '--server', serverUrl, '--data-dir', dataDir, '--json'], env);

beforeAll(async () => {
  await ensureDiskFixtures();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-load-'));
  work = await mkdtemp(join(tmpdir(), 'longshore-load-disks-'));
  const port = await freePort();
  server = await startServe(['--data-dir', dataDir, '--port', String(port)]);
  serverUrl = `http://127.0.0.1:${port}`;
  const account = JSON.parse(
    (await cli(['admin', 'account', 'create', '--email', 'load@example.org'])).stdout,
  ) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  accessKeyId = account.accessKeyId;
  expect((await cli(['admin', 'bucket', 'create', 'loaded', '--owner', accessKeyId])).code).toBe(0);
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

async function createJob(name: string, extra: string): Promise<{ jobId: string; signature: string }> {
  const manifest = join(work, `${name}.yaml`);
  await writeFile(manifest, importManifest('loaded', `accessKeyId: ${accessKeyId}\n${extra}`));
  const signatureFile = join(work, `${name}.SIGNATURE`);
  const run = await runCli(
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
  expect(run.code, run.stderr).toBe(0);
  return {
    jobId: (JSON.parse(run.stdout) as { JobId: string }).JobId,
    signature: await readFile(signatureFile, 'utf8'),
  };
}

async function digest(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<{ md5: string; sha256: string; size: number }> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let size = 0;
  for await (const chunk of (await store.getObject(bucket, key)) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha.update(chunk);
    size += chunk.length;
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex'), size };
}

describe.each(FIXTURES)('station receive + load of %s into the embedded store', (fixture) => {
  it(
    'stores every file with its bytes and writes a log row for each, Success in GetStatus',
    async () => {
      const prefix = `${fixture}/`;
      const { jobId, signature } = await createJob(fixture, `prefix: ${prefix}\nlogPrefix: logs/\n`);
      const device = await copyImage(fixture, work);
      await putSignature(device, fixture, signature);
      const receive = await cli(['station', 'receive', '--job-id', jobId, '--device', device]);
      expect(receive.code, receive.stderr).toBe(0);
      const load = await cli(['station', 'load', '--job-id', jobId]);
      expect(load.code, load.stderr).toBe(0);
      const summary = JSON.parse(load.stdout) as {
        outcome: string;
        errors: number;
        log: { bucket: string; key: string };
      };
      expect(summary).toMatchObject({
        outcome: 'finished',
        errors: 0,
        log: { bucket: 'loaded', key: `logs/import-log-${jobId}.csv` },
      });

      const status = JSON.parse(
        (await runCli(['get-status', '--job-id', jobId, '--json'], customerEnv)).stdout,
      ) as Record<string, unknown>;
      expect(status).toMatchObject({
        LocationCode: 'AtAWS',
        ProgressCode: 'Success',
        LogBucket: 'loaded',
        LogKey: `logs/import-log-${jobId}.csv`,
        ErrorCount: 0,
      });

      const store = await openEmbeddedStore(join(dataDir, 'objects'));
      try {
        const logText = await streamText(await store.getObject('loaded', summary.log.key));
        const rows = parseImportLog(logText);
        const byFile = new Map<string, ImportLogRow>(rows.map((r) => [r.file, r]));
        expect(byFile.size, 'one row per file').toBe(rows.length);
        const expected = (await readExpected(fixture)).filter((e) => e.type !== 'directory');
        expect(rows).toHaveLength(expected.length);
        for (const entry of expected) {
          const row = byFile.get(entry.path);
          expect(row, entry.path).toBeDefined();
          if (entry.path === 'SIGNATURE' || entry.type !== 'file') {
            expect([entry.path, row!.status, row!.code]).toEqual([entry.path, 103, 'Ignored']);
            continue;
          }
          expect([entry.path, row!.status, row!.code, row!.key, row!.bytes]).toEqual([
            entry.path,
            200,
            'OK',
            `loaded/${prefix}${entry.path}`,
            entry.size,
          ]);
          const stored = await digest(store, 'loaded', `${prefix}${entry.path}`);
          expect([entry.path, stored.sha256, stored.md5]).toEqual([entry.path, entry.sha256, row!.md5]);
        }
      } finally {
        await store.close();
      }
    },
    TIMEOUT,
  );
});

async function streamText(stream: AsyncIterable<Buffer> | NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
