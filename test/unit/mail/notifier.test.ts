import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expireDueJobs } from '../../../src/jobs/index.js';
import { notificationFor } from '../../../src/mail/notification.js';
import { Notifier } from '../../../src/mail/notifier.js';
import { Outbox } from '../../../src/mail/outbox.js';
import { SqlStore, type OutboxRecord } from '../../../src/store/index.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';

let s: TestServices;
let wakes = 0;
beforeAll(async () => {
  s = await makeServices();
});
afterAll(() => s.close());
beforeEach(async () => {
  await (s.store as SqlStore).db.query('DELETE FROM outbox');
  wakes = 0;
});

function notifier(): Notifier {
  const outbox = new Outbox({
    store: s.store,
    address: 'importexport@longshore.test',
    now: s.clock.now,
    onEnqueued: () => wakes++,
  });
  return new Notifier({
    store: s.store,
    outbox,
    stationCountry: 'US',
    onError: (err) => {
      throw err;
    },
  });
}

let seq = 0;
/** A job whose manifest names two more addresses to notify; every earlier line already handled. */
async function newJob(): Promise<{ jobId: string; owner: string }> {
  const bucket = `notify-${++seq}`;
  const customer = await customerWithBucket(s, bucket);
  const created = await s.jobs.createJob({
    caller: customer.key,
    jobType: 'Import',
    manifestText: importManifest(bucket, 'notificationEmail: Watcher@Example.net; ops@example.net\n'),
    validateOnly: false,
    actor: 'test',
  });
  await notifier().runOnce();
  await (s.store as SqlStore).db.query('DELETE FROM outbox');
  return { jobId: created.jobId!, owner: `${bucket}@example.org` };
}

async function outboxOf(jobId: string): Promise<OutboxRecord[]> {
  return (await s.store.listOutbox({ limit: 100 })).filter((m) => m.jobId === jobId).reverse();
}

async function bodies(jobId: string) {
  return Promise.all(
    (await outboxOf(jobId)).map(async (m) => {
      const parsed = await simpleParser(m.raw);
      return { to: m.recipient, subject: parsed.subject, text: parsed.text ?? '' };
    }),
  );
}

describe('Notifier', () => {
  it('mails the account and the manifest addresses when a device is received, loaded and returned', async () => {
    const { jobId, owner } = await newJob();
    await s.station.receiveDevice(jobId, 'dock-1');
    await s.station.startLoad(jobId, 'dock-1');
    await s.station.finishLoad(jobId, 'dock-1', {
      errorCount: 2,
      logBucket: 'logs',
      logKey: `import-log-${jobId}.csv`,
    });
    await s.station.returnDevice(jobId, 'dock-1', 'UPS', '1Z999AA10123456784');
    expect(await notifier().runOnce()).toBe(9);
    expect(wakes).toBe(1);

    const mails = await bodies(jobId);
    const recipients = [owner, 'ops@example.net', 'watcher@example.net'].sort();
    const bySubject = (title: string) => mails.filter((m) => m.subject === `JOB ${jobId}: ${title}`);
    for (const title of ['DEVICE RECEIVED', 'LOAD FINISHED', 'DEVICE RETURNED']) {
      expect(
        bySubject(title)
          .map((m) => m.to)
          .sort(),
      ).toEqual(recipients);
      expect(new Set(bySubject(title).map((m) => m.text)).size).toBe(1);
    }
    const [received, loaded, returned] = ['DEVICE RECEIVED', 'LOAD FINISHED', 'DEVICE RETURNED'].map(
      (title) => bySubject(title)[0]!,
    );
    expect(received!.text).toContain('NOTIFICATION: DEVICE RECEIVED');
    expect(received!.text).toContain(`JOBID: ${jobId}`);
    expect(received!.text).toContain('DEVICE CODE: AtAWS');
    expect(received!.text).toContain('JOB CODE: Pending'); // the state at receipt, not the later one
    expect(loaded!.text).toContain('JOB CODE: SuccessWithErrors');
    expect(loaded!.text).toContain('ERROR COUNT: 2');
    expect(loaded!.text).toContain(`LOG: s3://logs/import-log-${jobId}.csv`);
    expect(loaded!.text).toContain('RECOMMENDED ACTION: Read the failed rows of the import log');
    expect(returned!.text).toContain('DEVICE CODE: Returned');
    expect(returned!.text).toContain(
      'DEVICE DESCRIPTION: The device was sent back with UPS; tracking number 1Z999AA10123456784.',
    );
    expect(returned!.text).toContain('CARRIER: UPS');
    expect(returned!.text).toContain('TRACKING NUMBER: 1Z999AA10123456784');
  });

  it('mails when a job expires', async () => {
    const { jobId } = await newJob();
    s.clock.advanceDays(31);
    const expired = await expireDueJobs({ store: s.store, expiryDays: 30, now: s.clock.now });
    expect(expired.map((j) => j.jobId)).toContain(jobId);
    await notifier().runOnce();
    const [first] = await bodies(jobId);
    expect(first?.subject).toBe(`JOB ${jobId}: JOB EXPIRED`);
    expect(first?.text).toContain('JOB CODE: Expired');
    expect(first?.text).toContain('RECOMMENDED ACTION: Create a new job');
  });

  it('says nothing about creation, inspection passes, load starts or cancels', async () => {
    const { jobId } = await newJob();
    await s.jobs.cancelJob((await s.store.getJob(jobId))!.owner, jobId, 'test');
    expect(await notifier().runOnce()).toBe(0);
    expect(await outboxOf(jobId)).toEqual([]);
    expect(wakes).toBe(0);
  });

  it('never loses or repeats a notification across restarts: the cursor is in the store', async () => {
    const { jobId } = await newJob();
    await s.station.receiveDevice(jobId, 'dock-1');
    await notifier().runOnce(); // the first server handles the receipt, then "crashes"
    await s.station.startLoad(jobId, 'dock-1'); // transitions while no notifier runs
    await s.station.finishLoad(jobId, 'dock-1', { errorCount: 0, logBucket: 'b', logKey: 'k' });
    const restarted = notifier();
    expect(await restarted.runOnce()).toBe(3);
    expect(await restarted.runOnce()).toBe(0);
    expect(await notifier().runOnce()).toBe(0);
    expect((await bodies(jobId)).map((m) => m.subject).sort()).toEqual([
      ...Array(3).fill(`JOB ${jobId}: DEVICE RECEIVED`),
      ...Array(3).fill(`JOB ${jobId}: LOAD FINISHED`),
    ]);
  });

  it('enqueues once when two notifiers share the store', async () => {
    const { jobId } = await newJob();
    await s.station.receiveDevice(jobId, 'dock-1');
    const counts = await Promise.all([notifier().runOnce(), notifier().runOnce(), notifier().runOnce()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await outboxOf(jobId)).toHaveLength(3);
  });

  it('works through a backlog larger than one batch', async () => {
    const jobs = [await newJob(), await newJob(), await newJob()];
    for (const { jobId } of jobs) await s.station.receiveDevice(jobId, 'dock-1');
    const outbox = new Outbox({ store: s.store, address: 'importexport@longshore.test' });
    const small = new Notifier({ store: s.store, outbox, stationCountry: 'US', onError: () => {}, batch: 1 });
    expect(await small.runOnce()).toBe(9);
  });
});

describe('notificationFor', () => {
  it('is null for events customers are not told about', async () => {
    const { jobId } = await newJob();
    const job = (await s.store.getJob(jobId))!;
    const [created] = await s.store.jobHistory(jobId);
    expect(notificationFor(created!, job)).toBeNull();
    expect(notificationFor({ ...created!, event: 'load-start' }, job)).toBeNull();
  });
});
