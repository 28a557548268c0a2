import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { codeOf } from '../../helpers/catalog-codes.js';
import { expireDueJobs, verifySignatureFile } from '../../../src/jobs/index.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';

let s: TestServices;
beforeAll(async () => {
  s = await makeServices({ quota: 3 });
});
afterAll(() => s.close());

let bucketSeq = 0;
async function newCustomer() {
  const bucket = `bucket-${++bucketSeq}`;
  return { bucket, ...(await customerWithBucket(s, bucket)) };
}

function create(key: string, manifestText: string, validateOnly = false) {
  return s.jobs.createJob({ caller: key, jobType: 'Import', manifestText, validateOnly, actor: 'test' });
}

describe('CreateJob', () => {
  it('creates a NotReceived/Pending job with a SIGNATURE that verifies', async () => {
    const c = await newCustomer();
    const created = await create(c.key, importManifest(c.bucket));
    expect(created.jobId).toMatch(/^[1-9A-NP-Z]{5}$/);
    const status = await s.jobs.getStatus(c.key, created.jobId!);
    expect(status).toMatchObject({ locationCode: 'NotReceived', progressCode: 'Pending', errorCount: 0 });
    expect(status.carrier).toBeNull();
    const job = await s.station.job(created.jobId!);
    expect(verifySignatureFile(s.signingKey, job, created.signatureFileContents!)).toBe('valid');
    expect((await s.jobs.history(c.key, created.jobId!)).map((e) => e.event)).toEqual(['create']);
  });

  it('validates without creating when ValidateOnly is set', async () => {
    const c = await newCustomer();
    const result = await create(c.key, importManifest(c.bucket), true);
    expect(result.jobId).toBeNull();
    expect((await s.jobs.listJobs(c.key, {})).jobs).toHaveLength(0);
  });

  it('checks in DECISIONS §5 order: account, manifest fields, key, bucket exists, bucket writable', async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    await s.accounts.updateAccount(other.key, { signedUp: false });
    expect(await codeOf(create(other.key, 'not: [valid'))).toBe('NotSignedUp');
    await s.accounts.updateAccount(other.key, { signedUp: true, problem: true });
    expect(await codeOf(create(other.key, 'not: [valid'))).toBe('AccountProblem');
    expect(await codeOf(create(c.key, 'not: [valid'))).toBe('MalformedManifestException');
    expect(await codeOf(create(c.key, ''))).toBe('MissingParameterException');
    const wrongKey = importManifest('no-such-bucket', `accessKeyId: ${other.key}\n`);
    expect(await codeOf(create(c.key, wrongKey))).toBe('InvalidAccessKeyIdException');
    expect(await codeOf(create(c.key, importManifest('no-such-bucket')))).toBe('NoSuchBucketException');
    expect(await codeOf(create(c.key, importManifest(other.bucket)))).toBe('BucketPermissionException');
    await s.accounts.grantBucket(other.bucket, c.key);
    expect((await create(c.key, importManifest(other.bucket))).jobId).not.toBeNull();
  });

  it('reports every manifest issue at once, naming the fields', async () => {
    const c = await newCustomer();
    const err = await create(c.key, `manifestVersion: 2.0\nbucket: ${c.bucket}\n`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogError);
    const e = err as CatalogError;
    expect(e.code).toBe('MissingManifestFieldException');
    expect(e.message).toContain('deviceId');
    expect(e.message).toContain('returnAddress');
    expect((e.details as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses buckets in more than one region', async () => {
    const c = await newCustomer();
    await s.accounts.createBucket('eu-logs', c.key, 'eu-west-1');
    const manifest = importManifest(c.bucket, 'logBucket: eu-logs\n');
    expect(await codeOf(create(c.key, manifest))).toBe('MultipleRegionsException');
  });

  it('enforces the daily quota per account, per UTC day', async () => {
    const c = await newCustomer();
    for (let i = 0; i < 3; i++) await create(c.key, importManifest(c.bucket));
    expect(await codeOf(create(c.key, importManifest(c.bucket)))).toBe('CreateJobQuotaExceededException');
    const other = await newCustomer();
    expect((await create(other.key, importManifest(other.bucket))).jobId).not.toBeNull();
    s.clock.advanceDays(1);
    expect((await create(c.key, importManifest(c.bucket))).jobId).not.toBeNull();
  });
});

describe('GetStatus, ListJobs', () => {
  it("hides other accounts' jobs and rejects malformed IDs", async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const { jobId } = await create(a.key, importManifest(a.bucket));
    expect(await codeOf(s.jobs.getStatus(b.key, jobId!))).toBe('InvalidJobIdException');
    expect(await codeOf(s.jobs.cancelJob(b.key, jobId!, 'test'))).toBe('InvalidJobIdException');
    expect(await codeOf(s.jobs.getStatus(a.key, 'O0O0O'))).toBe('InvalidJobIdException');
    expect((await s.jobs.getStatus(a.key, jobId!.toLowerCase())).jobId).toBe(jobId);
  });

  it('lists newest first with Marker paging, IsTruncated, and canceled jobs', async () => {
    const c = await newCustomer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      s.clock.advanceDays(0.01);
      ids.push((await create(c.key, importManifest(c.bucket))).jobId!);
    }
    await s.jobs.cancelJob(c.key, ids[1]!, 'test');
    const first = await s.jobs.listJobs(c.key, { maxJobs: 2 });
    expect(first.jobs.map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    expect(first.isTruncated).toBe(true);
    expect(first.jobs[1]!.canceled).toBe(true);
    const rest = await s.jobs.listJobs(c.key, { maxJobs: 2, marker: ids[1]! });
    expect(rest.jobs.map((j) => j.jobId)).toEqual([ids[0]]);
    expect(rest.isTruncated).toBe(false);
    expect(await codeOf(s.jobs.listJobs(c.key, { maxJobs: 1001 }))).toBe('InvalidParameterException');
    expect(await codeOf(s.jobs.listJobs(c.key, { maxJobs: -1 }))).toBe('InvalidParameterException');
    expect(await codeOf(s.jobs.listJobs(c.key, { marker: 'ZZZZZ' }))).toBe('InvalidParameterException');
  });
});

describe('UpdateJob, CancelJob', () => {
  it('replaces the manifest and signature while Pending; the old SIGNATURE stops verifying', async () => {
    const c = await newCustomer();
    const created = await create(c.key, importManifest(c.bucket));
    const update = {
      caller: c.key,
      jobId: created.jobId!,
      jobType: 'Import' as const,
      validateOnly: false,
      actor: 'test',
    };
    await s.jobs.updateJob({ ...update, manifestText: importManifest(c.bucket, 'prefix: new/\n') });
    const status = await s.jobs.getStatus(c.key, created.jobId!);
    expect(status.currentManifest).toContain('prefix: new/');
    expect(status.signature).not.toBe(created.signature);
    const job = await s.station.job(created.jobId!);
    expect(verifySignatureFile(s.signingKey, job, created.signatureFileContents!)).toBe('mismatch');
    expect(verifySignatureFile(s.signingKey, job, status.signatureFileContents)).toBe('valid');
    await s.station.receiveDevice(created.jobId!, 'dock');
    await s.station.startLoad(created.jobId!, 'dock');
    const again = { ...update, manifestText: importManifest(c.bucket) };
    expect(await codeOf(s.jobs.updateJob(again))).toBe('UnableToUpdateJobIdException');
  });

  it('cancels until terminal, then refuses with the seed codes', async () => {
    const c = await newCustomer();
    const loading = (await create(c.key, importManifest(c.bucket))).jobId!;
    await s.station.receiveDevice(loading, 'dock');
    await s.station.startLoad(loading, 'dock');
    await s.jobs.cancelJob(c.key, loading, 'test');
    expect(await codeOf(s.jobs.cancelJob(c.key, loading, 'test'))).toBe('CanceledJobIdException');
    expect(await codeOf(s.jobs.getStatus(c.key, loading))).toBe('CanceledJobIdException');
    // the canceled load still ends cleanly with its log
    const ended = await s.station.finishLoad(loading, 'dock', {
      errorCount: 0,
      logBucket: c.bucket,
      logKey: 'k',
    });
    expect(ended.progress).toBe('Success');

    const done = (await create(c.key, importManifest(c.bucket))).jobId!;
    await s.station.receiveDevice(done, 'dock');
    await s.station.startLoad(done, 'dock');
    await s.station.finishLoad(done, 'dock', {
      errorCount: 2,
      logBucket: c.bucket,
      logKey: 'import-log.csv',
    });
    expect(await codeOf(s.jobs.cancelJob(c.key, done, 'test'))).toBe('UnableToCancelJobIdException');
    const status = await s.jobs.getStatus(c.key, done);
    expect(status).toMatchObject({
      progressCode: 'SuccessWithErrors',
      errorCount: 2,
      logKey: 'import-log.csv',
    });
    expect(status.progressMessage).toContain('2');
  });
});

describe('expiry', () => {
  it('expires unreceived jobs after 30 days, keeps them visible for the retention, then ExpiredJobId', async () => {
    const c = await newCustomer();
    const old = (await create(c.key, importManifest(c.bucket))).jobId!;
    const received = (await create(c.key, importManifest(c.bucket))).jobId!;
    const canceled = (await create(c.key, importManifest(c.bucket))).jobId!;
    await s.station.receiveDevice(received, 'dock');
    await s.jobs.cancelJob(c.key, canceled, 'test');
    const mine = (jobs: { jobId: string }[]) =>
      jobs.map((j) => j.jobId).filter((id) => [old, received, canceled].includes(id));
    await expireDueJobs({ store: s.store, expiryDays: 30, now: s.clock.now }); // earlier tests' jobs
    s.clock.advanceDays(29);
    expect(mine(await expireDueJobs({ store: s.store, expiryDays: 30, now: s.clock.now }))).toEqual([]);
    s.clock.advanceDays(2);
    expect(mine(await expireDueJobs({ store: s.store, expiryDays: 30, now: s.clock.now }))).toEqual([old]);
    expect((await s.jobs.getStatus(c.key, old)).progressCode).toBe('Expired');
    expect(await codeOf(s.jobs.cancelJob(c.key, old, 'test'))).toBe('ExpiredJobIdException');
    expect(await codeOf(s.station.receiveDevice(old, 'dock'))).toBe('ExpiredJobIdException');
    s.clock.advanceDays(31);
    expect(await codeOf(s.jobs.getStatus(c.key, old))).toBe('ExpiredJobIdException');
  });
});

describe('station events', () => {
  it('records receive, inspection failure and return in GetStatus and history', async () => {
    const c = await newCustomer();
    const id = (await create(c.key, importManifest(c.bucket))).jobId!;
    expect(await codeOf(s.station.receiveDevice('ZZZZZ', 'dock'))).toBe('InvalidJobIdException');
    await s.station.receiveDevice(id, 'dock-1');
    expect(await codeOf(s.station.receiveDevice(id, 'dock-1'))).toBe('InvalidJobState');
    await s.station.failInspection(id, 'dock-1', 'UnsupportedFileFormat', 'found exFAT');
    expect(await codeOf(s.station.startLoad(id, 'dock-1'))).toBe('InvalidJobState');
    await s.station.returnDevice(id, 'dock-1', 'UPS', '1Z999');
    const status = await s.jobs.getStatus(c.key, id);
    expect(status).toMatchObject({
      locationCode: 'Returned',
      progressCode: 'UnsupportedFileFormat',
      carrier: 'UPS',
    });
    expect(status.locationMessage).toContain('1Z999');
    const history = await s.jobs.history(c.key, id);
    expect(history.map((e) => [e.event, e.actor])).toEqual([
      ['create', 'test'],
      ['receive', 'station:dock-1'],
      ['inspection-fail', 'station:dock-1'],
      ['return', 'station:dock-1'],
    ]);
  });
});
