import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord, Store } from '../../src/store/index.js';
import { SchemaTooNewError, SqlStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { storeFactories } from '../helpers/databases.js';
import {
  account,
  bucket,
  countRows,
  event,
  job,
  minutes,
  mustCreate,
  NO_QUOTA,
  sqlOf,
  T0,
} from './store-fixtures.js';

describe.each(storeFactories())('Store contract: $name', (factory) => {
  let store: Store;

  beforeEach(async () => {
    store = await factory.open();
    await store.insertAccount(account('AKOWNER'));
    await store.insertAccount(account('AKOTHER', { createdAt: minutes(1) }));
  });

  afterEach(async () => {
    await store?.close();
  });

  describe('accounts', () => {
    it('returns an inserted account exactly, and null for an unknown key', async () => {
      const record = account('AKNEW', { emails: ['a@example.com', 'b@example.com'], problem: true });
      await store.insertAccount(record);
      expect(await store.getAccount('AKNEW')).toEqual(record);
      expect(await store.getAccount('AKMISSING')).toBeNull();
    });

    it('keeps an account without addresses', async () => {
      await store.insertAccount(account('AKNOMAIL', { emails: [] }));
      expect((await store.getAccount('AKNOMAIL'))?.emails).toEqual([]);
    });

    it('finds accounts by address, ignoring case, oldest first', async () => {
      await store.insertAccount(account('AKSHARED', { emails: ['Ops@Example.com'], createdAt: minutes(5) }));
      await store.updateAccount('AKOWNER', { emails: ['owner@example.com', 'ops@example.com'] });
      const found = await store.findAccountsByEmail('OPS@example.COM');
      expect(found.map((a) => a.accessKeyId)).toEqual(['AKOWNER', 'AKSHARED']);
      expect(await store.findAccountsByEmail('nobody@example.com')).toEqual([]);
    });

    it('keeps an address once per account whatever its case, in the given order', async () => {
      await store.insertAccount(
        account('AKDUP', { emails: ['x@example.com', 'y@example.com', 'X@example.com'] }),
      );
      expect((await store.getAccount('AKDUP'))?.emails).toEqual(['x@example.com', 'y@example.com']);
    });

    it('updates only the given fields and replaces the addresses', async () => {
      const updated = await store.updateAccount('AKOWNER', { signedUp: false, emails: ['new@example.com'] });
      expect(updated).toEqual({ ...account('AKOWNER'), signedUp: false, emails: ['new@example.com'] });
      expect(await store.getAccount('AKOWNER')).toEqual(updated);
      expect(await store.findAccountsByEmail('akowner@example.com')).toEqual([]);
      const renamed = await store.updateAccount('AKOWNER', { name: 'Renamed', problem: true });
      expect(renamed).toMatchObject({ name: 'Renamed', problem: true, signedUp: false });
      expect(renamed?.emails).toEqual(['new@example.com']);
    });

    it('updates nothing and returns null for an unknown key', async () => {
      expect(await store.updateAccount('AKMISSING', { name: 'x', emails: ['x@example.com'] })).toBeNull();
      expect(await store.findAccountsByEmail('x@example.com')).toEqual([]);
    });

    it('lists accounts oldest first', async () => {
      await store.insertAccount(account('AKEARLY', { createdAt: minutes(-1) }));
      expect((await store.listAccounts()).map((a) => a.accessKeyId)).toEqual([
        'AKEARLY',
        'AKOWNER',
        'AKOTHER',
      ]);
    });

    it('rejects a second account with the same key and keeps the first', async () => {
      await expect(store.insertAccount(account('AKOWNER', { name: 'Impostor' }))).rejects.toThrow();
      expect(await store.getAccount('AKOWNER')).toEqual(account('AKOWNER'));
    });
  });

  describe('buckets', () => {
    it('inserts a bucket once; a taken name returns false and changes nothing', async () => {
      const record = bucket('photos', 'AKOWNER');
      expect(await store.insertBucket(record)).toBe(true);
      expect(await store.getBucket('photos')).toEqual(record);
      expect(await store.insertBucket(bucket('photos', 'AKOTHER', { region: 'eu-west-1' }))).toBe(false);
      expect(await store.getBucket('photos')).toEqual(record);
      expect(await store.getBucket('missing')).toBeNull();
    });

    it('adds grants idempotently, in the order given', async () => {
      await store.insertAccount(account('AKTHIRD'));
      await store.insertBucket(bucket('photos', 'AKOWNER', { grants: ['AKTHIRD'] }));
      await store.grantBucket('photos', 'AKOTHER');
      const again = await store.grantBucket('photos', 'AKOTHER');
      expect(again?.grants).toEqual(['AKTHIRD', 'AKOTHER']);
      expect(await store.getBucket('photos')).toEqual(again);
    });

    it('returns null when granting on an unknown bucket', async () => {
      expect(await store.grantBucket('missing', 'AKOTHER')).toBeNull();
    });

    it('lists buckets by name', async () => {
      await store.insertBucket(bucket('zeta', 'AKOWNER'));
      await store.insertBucket(bucket('alpha', 'AKOTHER', { grants: ['AKOWNER'] }));
      const listed = await store.listBuckets();
      expect(listed.map((b) => [b.name, b.owner, b.grants])).toEqual([
        ['alpha', 'AKOTHER', ['AKOWNER']],
        ['zeta', 'AKOWNER', []],
      ]);
    });
  });

  describe('createJob and reads', () => {
    it('stores the job and its first history line', async () => {
      const record = job('ABCDE', 'AKOWNER', minutes(10), { progressMessage: 'hello' });
      const outcome = await store.createJob(record, event('create', minutes(10), 'api', 'x'), NO_QUOTA);
      expect(outcome).toEqual({ ok: true, job: record });
      expect(await store.getJob('ABCDE')).toEqual(record);
      expect(await store.getJob('ZZZZZ')).toBeNull();
      expect(await store.jobHistory('ABCDE')).toEqual([
        {
          jobId: 'ABCDE',
          seq: 1,
          at: minutes(10),
          event: 'create',
          location: 'NotReceived',
          progress: 'Pending',
          canceled: false,
          actor: 'api',
          detail: 'x',
        },
      ]);
    });

    it('refuses a job ID that exists, for any owner, and keeps the first job', async () => {
      const first = await mustCreate(store, job('ABCDE', 'AKOWNER', minutes(10)));
      const again = await store.createJob(
        job('ABCDE', 'AKOTHER', minutes(11)),
        event('create', minutes(11)),
        NO_QUOTA,
      );
      expect(again).toEqual({ ok: false, reason: 'duplicate-id' });
      expect(await store.getJob('ABCDE')).toEqual(first);
      expect(await store.jobHistory('ABCDE')).toHaveLength(1);
    });

    it('refuses a job once the owner created quota.limit jobs since quota.since', async () => {
      const quota = { limit: 2, since: minutes(100) };
      await mustCreate(store, job('OLD11', 'AKOWNER', minutes(50)));
      await mustCreate(store, job('OTHR1', 'AKOTHER', minutes(101)));
      for (const [id, at] of [
        ['NEW11', 100],
        ['NEW22', 110],
      ] as const) {
        const outcome = await store.createJob(
          job(id, 'AKOWNER', minutes(at)),
          event('create', minutes(at)),
          quota,
        );
        expect(outcome.ok).toBe(true);
      }
      const refused = await store.createJob(
        job('NEW33', 'AKOWNER', minutes(120)),
        event('create', minutes(120)),
        quota,
      );
      expect(refused).toEqual({ ok: false, reason: 'quota' });
      expect(await store.getJob('NEW33')).toBeNull();
      expect(await store.jobHistory('NEW33')).toEqual([]);
      const otherOwner = await store.createJob(
        job('OTHR2', 'AKOTHER', minutes(120)),
        event('c', minutes(120)),
        quota,
      );
      expect(otherOwner.ok).toBe(true);
    });

    it('lists one owner’s jobs newest first, paged with afterJobId and limit', async () => {
      // BBBBB and CCCCC share a creation time: ties are ordered by job ID, descending.
      const times: Record<string, number> = { AAAAA: 1, BBBBB: 2, CCCCC: 2, DDDDD: 3, EEEEE: 4 };
      for (const [id, at] of Object.entries(times)) await mustCreate(store, job(id, 'AKOWNER', minutes(at)));
      await mustCreate(store, job('OTHER', 'AKOTHER', minutes(5)));
      const ids = (jobs: JobRecord[]) => jobs.map((j) => j.jobId);
      expect(ids(await store.listJobs({ owner: 'AKOWNER', limit: 10 }))).toEqual([
        'EEEEE',
        'DDDDD',
        'CCCCC',
        'BBBBB',
        'AAAAA',
      ]);
      const page1 = await store.listJobs({ owner: 'AKOWNER', limit: 2 });
      expect(ids(page1)).toEqual(['EEEEE', 'DDDDD']);
      const page2 = await store.listJobs({ owner: 'AKOWNER', limit: 2, afterJobId: 'DDDDD' });
      expect(ids(page2)).toEqual(['CCCCC', 'BBBBB']);
      const page3 = await store.listJobs({ owner: 'AKOWNER', limit: 2, afterJobId: 'BBBBB' });
      expect(ids(page3)).toEqual(['AAAAA']);
      expect(await store.listJobs({ owner: 'AKOWNER', limit: 2, afterJobId: 'AAAAA' })).toEqual([]);
      expect(await store.listJobs({ owner: 'AKOWNER', limit: 2, afterJobId: 'NOSUCH' })).toEqual([]);
      expect(await store.listJobs({ owner: 'AKOWNER', limit: 2, afterJobId: 'OTHER' })).toEqual([]);
      expect(await store.listJobs({ owner: 'AKNOBODY', limit: 10 })).toEqual([]);
    });
  });

  describe('transitionJob', () => {
    beforeEach(async () => {
      await mustCreate(store, job('JOB11', 'AKOWNER', minutes(0)));
    });

    const receive = { location: ['NotReceived'], progress: ['Pending'], canceled: false } as const;

    it('applies the patch when the guard matches, and appends the history line', async () => {
      const changed = await store.transitionJob(
        'JOB11',
        receive,
        { location: 'AtAWS', progressMessage: 'received' },
        event('receive', minutes(30), 'station:dock-1', 'usb3'),
      );
      const expected = {
        ...job('JOB11', 'AKOWNER', minutes(0)),
        location: 'AtAWS',
        progressMessage: 'received',
      };
      expect(changed).toEqual({ ...expected, updatedAt: minutes(30) });
      expect(await store.getJob('JOB11')).toEqual(changed);
      const history = await store.jobHistory('JOB11');
      expect(history.map((e) => [e.seq, e.event, e.location, e.actor, e.detail])).toEqual([
        [1, 'create', 'NotReceived', 'api', null],
        [2, 'receive', 'AtAWS', 'station:dock-1', 'usb3'],
      ]);
    });

    it.each([
      ['location', { location: ['AtAWS', 'Returned'] }],
      ['progress', { progress: ['InProgress'] }],
      ['canceled', { canceled: true }],
      ['an empty list', { location: [] }],
    ] as const)('refuses by %s, changing nothing', async (_, guard) => {
      const before = await store.getJob('JOB11');
      const refused = await store.transitionJob(
        'JOB11',
        guard,
        { location: 'AtAWS' },
        event('x', minutes(1)),
      );
      expect(refused).toBeNull();
      expect(await store.getJob('JOB11')).toEqual(before);
      expect(await store.jobHistory('JOB11')).toHaveLength(1);
    });

    it('returns null for an unknown job', async () => {
      expect(
        await store.transitionJob('NOJOB', {}, { canceled: true }, event('cancel', minutes(1))),
      ).toBeNull();
      expect(await store.jobHistory('NOJOB')).toEqual([]);
    });

    it('writes every history line with seq 1..n and the state after it', async () => {
      const steps = [
        [receive, { location: 'AtAWS' }, 'receive'],
        [{ location: ['AtAWS'], progress: ['Pending'] }, { progress: 'InProgress' }, 'load-start'],
        [
          { progress: ['InProgress'] },
          { progress: 'SuccessWithErrors', errorCount: 2, logKey: 'l.csv' },
          'load-end',
        ],
        [{ location: ['AtAWS'] }, { location: 'Returned', carrier: 'UPS', trackingNumber: '1Z' }, 'return'],
        [{}, { progressMessage: null }, 'note'],
      ] as const;
      for (const [i, [guard, patch, name]] of steps.entries()) {
        expect(await store.transitionJob('JOB11', guard, patch, event(name, minutes(i + 1)))).not.toBeNull();
      }
      const history = await store.jobHistory('JOB11');
      expect(history.map((e) => [e.seq, e.event, e.location, e.progress, e.canceled, e.at])).toEqual([
        [1, 'create', 'NotReceived', 'Pending', false, minutes(0)],
        [2, 'receive', 'AtAWS', 'Pending', false, minutes(1)],
        [3, 'load-start', 'AtAWS', 'InProgress', false, minutes(2)],
        [4, 'load-end', 'AtAWS', 'SuccessWithErrors', false, minutes(3)],
        [5, 'return', 'Returned', 'SuccessWithErrors', false, minutes(4)],
        [6, 'note', 'Returned', 'SuccessWithErrors', false, minutes(5)],
      ]);
      expect(await store.getJob('JOB11')).toMatchObject({
        location: 'Returned',
        progress: 'SuccessWithErrors',
        errorCount: 2,
        logKey: 'l.csv',
        carrier: 'UPS',
        trackingNumber: '1Z',
        updatedAt: minutes(5),
      });
    });

    it('sets and clears nullable fields and the canceled flag', async () => {
      await store.transitionJob(
        'JOB11',
        {},
        { expiredAt: minutes(9), progress: 'Expired' },
        event('e', minutes(9)),
      );
      const canceled = await store.transitionJob(
        'JOB11',
        { canceled: false },
        { canceled: true },
        event('c', minutes(10)),
      );
      expect(canceled).toMatchObject({ expiredAt: minutes(9), progress: 'Expired', canceled: true });
      const cleared = await store.transitionJob('JOB11', {}, { expiredAt: null }, event('u', minutes(11)));
      expect(cleared?.expiredAt).toBeNull();
      expect((await store.jobHistory('JOB11')).map((e) => e.canceled)).toEqual([false, false, true, true]);
    });
  });

  it('finds jobs matching a guard created before a date, oldest first, up to a limit', async () => {
    for (const [id, at] of [
      ['PEND3', 3],
      ['PEND1', 1],
      ['PEND2', 2],
      ['PEND9', 9],
    ] as const) {
      await mustCreate(store, job(id, 'AKOWNER', minutes(at)));
    }
    await mustCreate(store, job('ATAWS', 'AKOTHER', minutes(0), { location: 'AtAWS' }));
    const pending = { location: ['NotReceived'], progress: ['Pending'], canceled: false } as const;
    const found = await store.findJobsCreatedBefore(pending, minutes(5), 10);
    expect(found.map((j) => j.jobId)).toEqual(['PEND1', 'PEND2', 'PEND3']);
    expect((await store.findJobsCreatedBefore(pending, minutes(5), 2)).map((j) => j.jobId)).toEqual([
      'PEND1',
      'PEND2',
    ]);
    expect((await store.findJobsCreatedBefore({}, minutes(1), 10)).map((j) => j.jobId)).toEqual(['ATAWS']);
  });

  describe('migrations', () => {
    it('records every version once; migrating again changes nothing', async () => {
      await mustCreate(store, job('KEEP1', 'AKOWNER', T0));
      await store.migrate();
      await Promise.all([store.migrate(), store.migrate()]);
      const versions = await sqlOf(store).query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await store.getJob('KEEP1')).not.toBeNull();
    });

    it('refuses a database migrated by a newer version', async () => {
      await sqlOf(store).query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
      const error = await store.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaTooNewError);
      expect(String(error)).toMatch(new RegExp(`version 999.*up to ${MIGRATIONS.length}`));
    });
  });

  describe('nothing half-written', () => {
    // A NULL event name violates job_events.event NOT NULL: the failure comes from the
    // database, after the job row was already written in the same transaction.
    const brokenEvent = { ...event('x', minutes(1)), event: null as unknown as string };

    it('a createJob whose history line fails leaves no job behind', async () => {
      await expect(
        store.createJob(job('HALF1', 'AKOWNER', minutes(1)), brokenEvent, NO_QUOTA),
      ).rejects.toThrow();
      expect(await store.getJob('HALF1')).toBeNull();
      expect(await countRows(store, 'jobs')).toBe(0);
      expect(await countRows(store, 'job_events')).toBe(0);
      const retried = await mustCreate(store, job('HALF1', 'AKOWNER', minutes(2)));
      expect(retried.createdAt).toEqual(minutes(2));
      expect((await store.jobHistory('HALF1')).map((e) => e.seq)).toEqual([1]);
    });

    it('a transition whose history line fails leaves the job as it was', async () => {
      const before = await mustCreate(store, job('HALF2', 'AKOWNER', minutes(0)));
      await expect(store.transitionJob('HALF2', {}, { location: 'AtAWS' }, brokenEvent)).rejects.toThrow();
      expect(await store.getJob('HALF2')).toEqual(before);
      await store.transitionJob('HALF2', {}, { location: 'AtAWS' }, event('receive', minutes(2)));
      expect((await store.jobHistory('HALF2')).map((e) => [e.seq, e.event])).toEqual([
        [1, 'create'],
        [2, 'receive'],
      ]);
    });

    it('an account whose address insert fails is not kept', async () => {
      const broken = account('AKHALF', { emails: ['ok@example.com', null as unknown as string] });
      await expect(store.insertAccount(broken)).rejects.toThrow();
      expect(await store.getAccount('AKHALF')).toBeNull();
      expect(await store.findAccountsByEmail('ok@example.com')).toEqual([]);
    });

    it('a createJob for an unknown owner fails and writes nothing', async () => {
      await expect(store.createJob(job('NOOWN', 'AKMISSING', T0), event('c', T0), NO_QUOTA)).rejects.toThrow(
        /no account/,
      );
      expect(await countRows(store, 'jobs')).toBe(0);
    });
  });

  describe('concurrency', () => {
    it('10 concurrent createJob calls under a quota of 3 create exactly 3 jobs', async () => {
      const quota = { limit: 3, since: T0 };
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.createJob(job(`CONC${i}`, 'AKOWNER', minutes(i)), event('create', minutes(i)), quota),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'quota')).toHaveLength(7);
      expect(await store.listJobs({ owner: 'AKOWNER', limit: 100 })).toHaveLength(3);
      expect(await countRows(store, 'job_events')).toBe(3);
    });

    it('of two concurrent transitions from the same state, exactly one wins', async () => {
      await mustCreate(store, job('RACE1', 'AKOWNER', T0));
      const guard = { location: ['NotReceived'], progress: ['Pending'], canceled: false } as const;
      const results = await Promise.all([
        store.transitionJob('RACE1', guard, { location: 'AtAWS' }, event('receive', minutes(1), 'station:a')),
        store.transitionJob('RACE1', guard, { canceled: true }, event('cancel', minutes(1), 'api')),
      ]);
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.getJob('RACE1')).toEqual(winners[0]);
      expect((await store.jobHistory('RACE1')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('concurrent duplicate IDs for different owners create one job', async () => {
      const outcomes = await Promise.all([
        store.createJob(job('TWICE', 'AKOWNER', T0), event('create', T0), NO_QUOTA),
        store.createJob(job('TWICE', 'AKOTHER', T0), event('create', T0), NO_QUOTA),
      ]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'duplicate-id')).toHaveLength(1);
      expect(await countRows(store, 'jobs')).toBe(1);
    });
  });

  it('is a SqlStore, so the raw checks above read the same database', () => {
    expect(store).toBeInstanceOf(SqlStore);
  });
});
