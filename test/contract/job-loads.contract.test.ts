import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationJobs, StationLoads } from '../../src/jobs/index.js';
import type { Store } from '../../src/store/index.js';
import { codeOf } from '../helpers/catalog-codes.js';
import { storeFactories } from '../helpers/databases.js';
import { account, event, job as jobRecord, mustCreate, T0 } from './store-fixtures.js';

// The load record of a job (migration 007) on every store adapter: the volume found at intake,
// the station's checkpoints (forward only: the resume point never moves back) and the figures.
describe.each(storeFactories())('job loads on $name', (factory) => {
  let store: Store;
  let jobs: StationJobs;
  let loads: StationLoads;
  const owner = 'LSIALOADLOADLOADLOAD';
  const device = {
    devicePath: '/dev/sdz',
    volumeOffset: 1_048_576,
    fileSystem: 'ext3',
    warnings: ['journal'],
  };
  const progress = (n: number) => ({ logBytes: n * 100, logRows: n, files: n, bytes: n * 1000, errors: 0 });

  async function receivedJob(id: string): Promise<string> {
    await mustCreate(store, jobRecord(id, owner, T0));
    await jobs.receiveDevice(id, 'dock');
    return id;
  }

  beforeAll(async () => {
    store = await factory.open();
    await store.insertAccount(account(owner));
    jobs = new StationJobs({ store, signingKey: Buffer.alloc(32) });
    loads = new StationLoads(jobs, store, () => T0);
  }, 60_000);
  afterAll(() => store.close());

  it('refuses to load a device that has not passed inspection', async () => {
    const id = await receivedJob('LDAA1');
    expect(await codeOf(loads.beginLoad(id, 'dock'))).toBe('InvalidJobState');
    expect((await jobs.job(id)).progress).toBe('Pending');
  });

  it('starts once, resumes with the last checkpoint, and keeps the figures at the end', async () => {
    const id = await receivedJob('LDAA2');
    await loads.recordIntakeDevice(id, 'dock', device);
    const first = await loads.beginLoad(id, 'dock');
    expect(first).toMatchObject({
      resumed: false,
      job: { progress: 'InProgress' },
      load: { ...device, startedAt: T0 },
    });
    expect(await loads.checkpoint(id, progress(5))).toEqual({ canceled: false });
    await loads.checkpoint(id, progress(3)); // a late checkpoint never moves the resume point back
    const again = await loads.beginLoad(id, 'dock');
    expect(again).toMatchObject({
      resumed: true,
      load: { logBytes: 500, logRows: 5, files: 5, bytes: 5000 },
    });
    const ended = await loads.endLoad(id, 'dock', {
      logBucket: 'b',
      logKey: 'import-log-LDAA2.csv',
      progress: { ...progress(9), errors: 2 },
      seconds: 12.5,
    });
    expect(ended).toMatchObject({
      progress: 'SuccessWithErrors',
      errorCount: 2,
      logKey: 'import-log-LDAA2.csv',
    });
    expect(await loads.getLoad(id)).toMatchObject({ files: 9, errors: 2, seconds: 12.5, finishedAt: T0 });
    expect(await codeOf(loads.checkpoint(id, progress(10)))).toBe('InvalidJobState');
  });

  it('tells the station when the customer canceled during the load', async () => {
    const id = await receivedJob('LDAA3');
    await loads.recordIntakeDevice(id, 'dock', device);
    await loads.beginLoad(id, 'dock');
    await store.transitionJob(
      id,
      { location: ['AtAWS'], progress: ['InProgress'], canceled: false },
      { canceled: true },
      event('cancel', T0),
    );
    expect(await loads.checkpoint(id, progress(1))).toEqual({ canceled: true });
    const ended = await loads.endLoad(id, 'dock', {
      logBucket: 'b',
      logKey: 'k',
      progress: progress(1),
      seconds: 1,
    });
    expect(ended).toMatchObject({ canceled: true, progress: 'Success' });
  });

  it('a second intake replaces the device until the load starts', async () => {
    const id = await receivedJob('LDAA4');
    await loads.recordIntakeDevice(id, 'dock', device);
    await loads.recordIntakeDevice(id, 'dock-2', { ...device, devicePath: '/dev/sdy' });
    expect(await loads.getLoad(id)).toMatchObject({ station: 'dock-2', devicePath: '/dev/sdy' });
    await loads.beginLoad(id, 'dock-2');
    await loads.recordIntakeDevice(id, 'dock-3', { ...device, devicePath: '/dev/sdx' });
    expect(await loads.getLoad(id)).toMatchObject({ devicePath: '/dev/sdy' });
  });
});
