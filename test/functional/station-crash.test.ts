import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportLog } from '../../src/station/import-log/index.js';
import { openEmbeddedStore } from '../../src/storage/index.js';
import { copyImage, ensureDiskFixtures, putSignature, readExpected } from '../helpers/disks.js';
import { CLI, freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// Crash safety (issue 6): `longshore station load` is killed with SIGKILL at several points of a
// load (a real process, kill -9), started again each time, and must end with exactly one log row
// per file, every object whole and verified, and the job Success.
const FIXTURE = 'ext3-mbr';
const TIMEOUT = 900_000;

let dataDir: string;
let work: string;
let server: ServeProcess;
let serverUrl: string;
let customerEnv: NodeJS.ProcessEnv;
let accessKeyId: string;

const cli = (args: string[]) => runCli([...args, '--server', serverUrl, '--data-dir', dataDir, '--json']);

beforeAll(async () => {
  await ensureDiskFixtures();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-crash-'));
  work = await mkdtemp(join(tmpdir(), 'longshore-crash-disks-'));
  const port = await freePort();
  server = await startServe(['--data-dir', dataDir, '--port', String(port)]);
  serverUrl = `http://127.0.0.1:${port}`;
  const account = JSON.parse(
    (await cli(['admin', 'account', 'create', '--email', 'crash@example.org'])).stdout,
  ) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  accessKeyId = account.accessKeyId;
  await cli(['admin', 'bucket', 'create', 'crashes', '--owner', accessKeyId]);
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

/** Lines of the station's local import log (header included), 0 when it does not exist yet. */
function localLogLines(jobId: string): number {
  const path = join(dataDir, 'station', 'loads', jobId, 'import-log.csv');
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8').split('\r\n').length - 1;
}

/** Starts `station load` and kills it with SIGKILL once `when()` holds; resolves with its exit. */
async function loadAndKill(
  jobId: string,
  when: () => boolean,
): Promise<{ killed: boolean; code: number | null }> {
  const proc = spawn(
    process.execPath,
    [CLI, 'station', 'load', '--job-id', jobId, '--server', serverUrl, '--data-dir', dataDir, '--json'],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !when()) await sleep(5);
  if (done) return { killed: false, code: await exited };
  proc.kill('SIGKILL');
  await exited;
  return { killed: true, code: null };
}

describe('station load survives kill -9', () => {
  it(
    'resumes after each kill: one row per file, every object whole, Success',
    async () => {
      const manifest = join(work, 'crash.yaml');
      await writeFile(manifest, importManifest('crashes', `accessKeyId: ${accessKeyId}\n`));
      const signatureFile = join(work, 'SIGNATURE');
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
      const device = await copyImage(FIXTURE, work);
      await putSignature(device, FIXTURE, await readFile(signatureFile, 'utf8'));
      expect((await cli(['station', 'receive', '--job-id', jobId, '--device', device])).code).toBe(0);

      const start = Date.now();
      const kills = [
        () => Date.now() - start > 400, // while opening the device and counting
        () => localLogLines(jobId) > 1_500,
        () => localLogLines(jobId) > 6_000,
        () => localLogLines(jobId) > 10_500,
      ];
      let killed = 0;
      for (const when of kills) if ((await loadAndKill(jobId, when)).killed) killed++;
      expect(killed).toBeGreaterThanOrEqual(3);
      const last = await cli(['station', 'load', '--job-id', jobId]);
      expect(last.code, last.stderr).toBe(0);

      const status = JSON.parse(
        (await runCli(['get-status', '--job-id', jobId, '--json'], customerEnv)).stdout,
      ) as Record<string, string>;
      expect([status.ProgressCode, status.ErrorCount]).toEqual(['Success', 0]);
      const store = await openEmbeddedStore(join(dataDir, 'objects'));
      try {
        const chunks: Buffer[] = [];
        for await (const c of (await store.getObject('crashes', status.LogKey!)) as AsyncIterable<Buffer>)
          chunks.push(c);
        const rows = parseImportLog(Buffer.concat(chunks).toString('utf8'));
        const expected = (await readExpected(FIXTURE)).filter((e) => e.type !== 'directory');
        expect(rows.map((r) => r.file).sort()).toEqual(expected.map((e) => e.path).sort());
        for (const entry of expected.filter((e) => e.type === 'file' && e.path !== 'SIGNATURE')) {
          const hash = createHash('sha256');
          for await (const c of (await store.getObject('crashes', entry.path)) as AsyncIterable<Buffer>)
            hash.update(c);
          expect([entry.path, hash.digest('hex')]).toEqual([entry.path, entry.sha256]);
        }
        expect(await store.listMultipartUploads('crashes', '')).toEqual([]);
      } finally {
        await store.close();
      }
    },
    TIMEOUT,
  );
});
