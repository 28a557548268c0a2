import { spawn } from 'node:child_process';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportLog } from '../../src/station/import-log/index.js';
import { openEmbeddedStore } from '../../src/storage/index.js';
import { copyImage, putSignature, readExpected } from '../helpers/disks.js';
import { CLI } from '../helpers/processes.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';

// The station's other steps with real processes: a customer cancels during a load (it stops within
// seconds and still writes its log), --auto-load, then erase and return after a finished load.
const TIMEOUT = 600_000;
let world: StationWorld;

beforeAll(async () => {
  world = await startStationWorld('lifecycle', { bucket: 'lifecycle' });
}, TIMEOUT);
afterAll(() => world?.stop());

interface AdminJob {
  job: { isCanceled: boolean; progressCode: string; locationCode: string; logKey: string | null };
}

async function logRows(jobId: string) {
  const store = await openEmbeddedStore(join(world.dataDir, 'objects'));
  try {
    const chunks: Buffer[] = [];
    const log = await store.getObject('lifecycle', `import-log-${jobId}.csv`);
    for await (const c of log as AsyncIterable<Buffer>) chunks.push(c);
    const rows = parseImportLog(Buffer.concat(chunks).toString('utf8'));
    const stored = await Promise.all(
      rows
        .filter((r) => r.status === 200)
        .map((r) => store.headObject('lifecycle', r.key.slice('lifecycle/'.length))),
    );
    return { rows, missing: stored.filter((o) => o === null).length };
  } finally {
    await store.close();
  }
}

describe('station lifecycle with real processes', () => {
  it(
    'a cancel during a load stops it within seconds; the log covers what was done',
    async () => {
      const { jobId } = await world.receivedJob('ext2-gpt');
      const args = [
        'station',
        'load',
        '--job-id',
        jobId,
        '--server',
        world.serverUrl,
        '--data-dir',
        world.dataDir,
        '--json',
      ];
      const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
      while (world.localLogRows(jobId) < 1_000) await sleep(20);
      expect((await world.customer(['cancel-job', '--job-id', jobId])).code).toBe(0);
      const canceledAt = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - canceledAt).toBeLessThan(15_000);
      expect(JSON.parse(stdout)).toMatchObject({ outcome: 'canceled' });

      const shown = JSON.parse((await world.cli(['admin', 'job', 'show', jobId])).stdout) as AdminJob;
      expect(shown.job).toMatchObject({
        isCanceled: true,
        locationCode: 'AtAWS',
        logKey: `import-log-${jobId}.csv`,
      });
      expect(['Success', 'SuccessWithErrors']).toContain(shown.job.progressCode);
      expect((await world.customer(['get-status', '--job-id', jobId, '--json'])).stderr).toContain(
        'CanceledJobIdException',
      );

      const { rows, missing } = await logRows(jobId);
      const files = (await readExpected('ext2-gpt')).filter((e) => e.type !== 'directory').length;
      expect(rows.length).toBeGreaterThanOrEqual(1_000);
      expect(rows.length).toBeLessThan(files);
      expect(missing).toBe(0);
    },
    TIMEOUT,
  );

  it(
    '--auto-load goes on from a passed intake to the load in one command',
    async () => {
      const { jobId, signature } = await world.createJob('auto', 'prefix: auto/\n');
      const folder = join(world.work, 'auto');
      await mkdir(folder);
      const device = await copyImage('ext3-dirty', folder);
      await putSignature(device, 'ext3-dirty', signature);
      const run = await world.cli([
        'station',
        'receive',
        '--job-id',
        jobId,
        '--device',
        device,
        '--auto-load',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { passed: boolean; load: { outcome: string; files: number } };
      expect(result).toMatchObject({ passed: true, load: { outcome: 'finished' } });
      expect(result.load.files).toBeGreaterThan(0);
      const status = JSON.parse(
        (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
      ) as Record<string, string>;
      expect(status.ProgressCode).toBe('Success');
      expect(status.ProgressMessage).toMatch(/journal/); // the ext3 journal warning reaches the customer
    },
    TIMEOUT,
  );

  it(
    'erase zero-fills the device after the load, then return records carrier and tracking number',
    async () => {
      const { jobId, device } = await world.receivedJob('fat32-mbr');
      expect((await world.cli(['station', 'load', '--job-id', jobId])).code).toBe(0);
      const size = (await stat(device)).size;
      expect((await world.cli(['station', 'erase', '--job-id', jobId])).code).toBe(2); // no --yes
      const erased = await world.cli(['station', 'erase', '--job-id', jobId, '--yes']);
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
      const tracking = ['--carrier', 'UPS', '--tracking-number', '1Z999AA10123456784'];
      const returned = await world.cli(['station', 'return', '--job-id', jobId, ...tracking]);
      expect(returned.code, returned.stderr).toBe(0);
      const status = JSON.parse(
        (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
      ) as object;
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
