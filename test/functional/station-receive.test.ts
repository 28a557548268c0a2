import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyImage, ensureDiskFixtures, putSignature, type DiskFixtureIndex } from '../helpers/disks.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';

// `longshore station receive` as the operator runs it: a real `longshore serve`, the customer's
// `create-job` writing the SIGNATURE file, the fixture disk images of test/fixtures/disks with
// that SIGNATURE put on a copy, and `get-status` / `admin job show` to see the outcome.
let world: StationWorld;
let fixtures: DiskFixtureIndex;

/** A station command under its own station name, so the history lines can be told apart. */
const station = (args: string[]) => world.cli(['station', ...args, '--station-name', 'dock-3']);
const admin = (args: string[]) => world.cli(['admin', ...args]);
const createJob = () => world.createJob('receive');

beforeAll(async () => {
  fixtures = await ensureDiskFixtures();
  world = await startStationWorld('receive', { bucket: 'disk-bucket' });
}, 600_000);
afterAll(() => world?.stop());

async function status(
  jobId: string,
): Promise<{ LocationCode: string; ProgressCode: string; ProgressMessage: string }> {
  const run = await world.customer(['get-status', '--job-id', jobId, '--json']);
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
      const device = await copyImage(name, world.work);
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
    const device = await copyImage('ext2-gpt', world.work);
    await putSignature(device, 'ext2-gpt', other.signature);
    const run = await station(['receive', '--job-id', mine.jobId, '--device', device]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('InvalidSignature');
    expect((await status(mine.jobId)).ProgressCode).toBe('InvalidSignature');
    expect((await status(other.jobId)).LocationCode).toBe('NotReceived');
  }, 120_000);

  it('records each step with its time and station in the job history', async () => {
    const { jobId, signature } = await createJob();
    const device = await copyImage('fat32-mbr', world.work);
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
    expect((await world.customer(['cancel-job', '--job-id', jobId])).code).toBe(0);
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
      join(world.work, 'no-such.img'),
    ]);
    expect(missingPath.code).toBe(2);
    expect((await status(typo.jobId)).LocationCode).toBe('NotReceived');
  }, 120_000);
});
