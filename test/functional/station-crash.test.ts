import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportLog } from '../../src/station/import-log/index.js';
import { openEmbeddedStore } from '../../src/storage/index.js';
import { readExpected } from '../helpers/disks.js';
import { CLI } from '../helpers/processes.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';

// Crash safety (issue 6): `longshore station load` is killed with SIGKILL at several points of a
// load (a real process, kill -9), started again each time, and must end with exactly one log row
// per file, every object whole and verified, and the job Success.
const FIXTURE = 'ext3-mbr';
const TIMEOUT = 900_000;

let world: StationWorld;

beforeAll(async () => {
  world = await startStationWorld('crash', { bucket: 'crashes' });
}, TIMEOUT);
afterAll(() => world?.stop());

/** Starts `station load` and kills it with SIGKILL once `when()` holds; resolves with its exit. */
async function loadAndKill(
  jobId: string,
  when: () => boolean,
): Promise<{ killed: boolean; code: number | null }> {
  const proc = spawn(
    process.execPath,
    [
      CLI,
      'station',
      'load',
      '--job-id',
      jobId,
      '--server',
      world.serverUrl,
      '--data-dir',
      world.dataDir,
      '--json',
    ],
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
      const { jobId } = await world.receivedJob(FIXTURE);

      const start = Date.now();
      const kills = [
        () => Date.now() - start > 400, // while opening the device and counting
        () => world.localLogRows(jobId) > 1_500,
        () => world.localLogRows(jobId) > 6_000,
        () => world.localLogRows(jobId) > 10_500,
      ];
      let killed = 0;
      for (const when of kills) if ((await loadAndKill(jobId, when)).killed) killed++;
      expect(killed).toBeGreaterThanOrEqual(3);
      const last = await world.cli(['station', 'load', '--job-id', jobId]);
      expect(last.code, last.stderr).toBe(0);

      const status = JSON.parse(
        (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
      ) as Record<string, string>;
      expect([status.ProgressCode, status.ErrorCount]).toEqual(['Success', 0]);
      const store = await openEmbeddedStore(join(world.dataDir, 'objects'));
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
