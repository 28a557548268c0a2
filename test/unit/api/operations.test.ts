import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithBucket, importManifest } from '../../helpers/services.js';
import { startQueryServer, type TestQueryServer } from './query-server.js';
import type { Credentials, ParamList } from './signer.js';

let server: TestQueryServer;
let alice: Credentials;
const statuses: number[] = [];

beforeAll(async () => {
  server = await startQueryServer();
  const created = await customerWithBucket(server.services, 'alice-photos');
  alice = { key: created.key, secret: created.secret };
});
afterAll(async () => {
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(server.logged).toEqual([]);
  await server.close();
});

async function call(params: ParamList, creds = alice) {
  const reply = await server.call(params, creds);
  statuses.push(reply.status);
  return reply;
}

async function createJob(manifest = importManifest('alice-photos')): Promise<string> {
  const reply = await call([
    ['Action', 'CreateJob'],
    ['Version', '2010-06-01'],
    ['JobType', 'Import'],
    ['Manifest', manifest],
    ['ValidateOnly', 'false'],
  ]);
  expect(reply.status).toBe(200);
  return reply.get('JobId')!;
}

describe('CreateJob', () => {
  it('creates a job and returns its ID, type, SIGNATURE and an empty ArtifactList', async () => {
    const reply = await call([
      ['Action', 'CreateJob'],
      ['JobType', 'import'],
      ['Manifest', importManifest('alice-photos')],
      ['ValidateOnly', 'FALSE'],
      ['APIVersion', '1.0.1'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/xml/);
    expect(reply.text).toContain(
      '<CreateJobResponse xmlns="http://importexport.amazonaws.com/doc/2010-06-01/">',
    );
    const jobId = reply.get('JobId')!;
    expect(jobId).toMatch(/^[1-9A-NP-Z]{5}$/);
    expect(reply.get('JobType')).toBe('Import');
    expect(reply.get('Signature')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(reply.get('SignatureFileContents')).toContain(`jobId:${jobId}\n`);
    expect(reply.text).toContain('<ArtifactList/>');
    expect(reply.text).not.toContain('<WarningMessage>');
    expect(reply.get('RequestId')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('with ValidateOnly=true checks the manifest, returns only JobType and warnings, and creates nothing', async () => {
    const before = await call([['Action', 'ListJobs']]);
    const reply = await call([
      ['Action', 'CreateJob'],
      ['JobType', 'Import'],
      ['Manifest', importManifest('alice-photos', 'unknownField: 1\n')],
      ['ValidateOnly', 'true'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.get('JobType')).toBe('Import');
    expect(reply.get('JobId')).toBeUndefined();
    expect(reply.get('WarningMessage')).toMatch(/unknownField/);
    const after = await call([['Action', 'ListJobs']]);
    expect(after.text).toBe(before.text.replace(before.get('RequestId')!, after.get('RequestId')!));
  });

  it('accepts and ignores ManifestAddendum', async () => {
    const reply = await call([
      ['Action', 'CreateJob'],
      ['JobType', 'Import'],
      ['Manifest', importManifest('alice-photos')],
      ['ManifestAddendum', 'anything: at all'],
      ['ValidateOnly', 'false'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.get('JobId')).toBeDefined();
  });
});

describe('GetStatus', () => {
  it('reports every member of a new job, omitting Carrier, TrackingNumber, LogBucket and LogKey', async () => {
    const manifest = importManifest('alice-photos', '# Zoë <ß> & "日本" 🚚\r\n');
    const jobId = await createJob(manifest);
    const reply = await call([
      ['Action', 'GetStatus'],
      ['JobId', jobId.toLowerCase()],
      ['JobType', 'Import'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.get('JobId')).toBe(jobId);
    expect(reply.get('JobType')).toBe('Import');
    expect(reply.get('LocationCode')).toBe('NotReceived');
    expect(reply.get('LocationMessage')).toBeTruthy();
    expect(reply.get('ProgressCode')).toBe('Pending');
    expect(reply.get('ProgressMessage')).toBeTruthy();
    expect(reply.get('ErrorCount')).toBe('0');
    expect(reply.get('CurrentManifest')).toBe(manifest);
    expect(reply.get('CreationDate')).toBe('2026-03-02T10:00:00Z');
    expect(reply.text).toContain('<ArtifactList/>');
    for (const absent of ['Carrier', 'TrackingNumber', 'LogBucket', 'LogKey']) {
      expect(reply.text).not.toContain(`<${absent}>`);
    }
  });

  it('reports the carrier, tracking number and log of a loaded, returned job', async () => {
    const jobId = await createJob();
    const { station } = server.services;
    await station.receiveDevice(jobId, 'test');
    await station.startLoad(jobId, 'test');
    await station.finishLoad(jobId, 'test', { errorCount: 2, logBucket: 'alice-photos', logKey: 'log.csv' });
    await station.returnDevice(jobId, 'test', 'UPS', '1Z999');
    const reply = await call([
      ['Action', 'GetStatus'],
      ['JobId', jobId],
    ]);
    expect(reply.get('LocationCode')).toBe('Returned');
    expect(reply.get('ProgressCode')).toBe('SuccessWithErrors');
    expect(reply.get('Carrier')).toBe('UPS');
    expect(reply.get('TrackingNumber')).toBe('1Z999');
    expect(reply.get('LogBucket')).toBe('alice-photos');
    expect(reply.get('LogKey')).toBe('log.csv');
    expect(reply.get('ErrorCount')).toBe('2');
  });
});

describe('UpdateJob and CancelJob', () => {
  it('UpdateJob replaces the manifest and the SIGNATURE', async () => {
    const jobId = await createJob();
    const before = await call([
      ['Action', 'GetStatus'],
      ['JobId', jobId],
    ]);
    const manifest = importManifest('alice-photos', 'unknownField: 2\n');
    const reply = await call([
      ['Action', 'UpdateJob'],
      ['JobId', jobId],
      ['Manifest', manifest],
      ['JobType', 'Import'],
      ['ValidateOnly', 'false'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.get('Success')).toBe('true');
    expect(reply.get('WarningMessage')).toMatch(/unknownField/);
    const after = await call([
      ['Action', 'GetStatus'],
      ['JobId', jobId],
    ]);
    expect(after.get('CurrentManifest')).toBe(manifest);
    expect(after.get('Signature')).not.toBe(before.get('Signature'));
  });

  it('CancelJob cancels: GetStatus answers CanceledJobIdException, ListJobs shows IsCanceled', async () => {
    const jobId = await createJob();
    const reply = await call([
      ['Action', 'CancelJob'],
      ['JobId', jobId],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<CancelJobResult><Success>true</Success></CancelJobResult>');
    const status = await call([
      ['Action', 'GetStatus'],
      ['JobId', jobId],
    ]);
    expect([status.status, status.get('Code')]).toEqual([400, 'CanceledJobIdException']);
    const list = await call([
      ['Action', 'ListJobs'],
      ['MaxJobs', '1000'],
    ]);
    expect(list.text).toMatch(
      new RegExp(`<JobId>${jobId}</JobId><CreationDate>[^<]+</CreationDate><IsCanceled>true</IsCanceled>`),
    );
    const again = await call([
      ['Action', 'CancelJob'],
      ['JobId', jobId],
    ]);
    expect(again.get('Code')).toBe('CanceledJobIdException');
  });
});

describe('ListJobs', () => {
  it('lists newest first and pages with MaxJobs, Marker and IsTruncated', async () => {
    const carol = await customerWithBucket(server.services, 'carol-photos');
    const creds = { key: carol.key, secret: carol.secret };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await call(
        [
          ['Action', 'CreateJob'],
          ['JobType', 'Import'],
          ['Manifest', importManifest('carol-photos')],
          ['ValidateOnly', 'false'],
        ],
        creds,
      );
      ids.push(reply.get('JobId')!);
      server.services.clock.advanceDays(0.01);
    }
    const jobIdsOf = (text: string) => [...text.matchAll(/<JobId>(\w+)<\/JobId>/g)].map((m) => m[1]);
    const first = await call(
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '2'],
      ],
      creds,
    );
    expect(jobIdsOf(first.text)).toEqual([ids[2], ids[1]]);
    expect(first.get('IsTruncated')).toBe('true');
    expect(first.text).toContain('<IsCanceled>false</IsCanceled><JobType>Import</JobType>');
    const second = await call(
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '2'],
        ['Marker', ids[1]!],
      ],
      creds,
    );
    expect(jobIdsOf(second.text)).toEqual([ids[0]]);
    expect(second.get('IsTruncated')).toBe('false');
    const none = await call(
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '0'],
      ],
      creds,
    );
    expect(none.text).toContain('<ListJobsResult><Jobs/><IsTruncated>true</IsTruncated></ListJobsResult>');
  });
});

describe('GetShippingLabel', () => {
  it('passes the jobs, the address and the base URL to the labels port and returns its URL and warning', async () => {
    const a = await createJob();
    const b = await createJob();
    const reply = await call([
      ['Action', 'GetShippingLabel'],
      ['jobIds.member.2', b],
      ['jobIds.member.1', a],
      ['name', 'Jane Roe'],
      ['street1', '1 Main St'],
      ['city', 'Springfield'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.get('ShippingLabelURL')).toBe(`${server.url}/labels/${a}-${b}.pdf?fake=1`);
    expect(reply.get('Warning')).toBe('one label covers several jobs');
    expect(reply.text).toContain('.pdf?fake=1</ShippingLabelURL>');
    const last = server.labels.calls.at(-1)!;
    expect(last.request).toEqual({
      caller: alice.key,
      jobIds: [a, b],
      address: { name: 'Jane Roe', street1: '1 Main St', city: 'Springfield' },
    });
    expect(last.baseUrl).toBe(server.url);
  });

  it("accepts the Java tool's comma-separated jobIds and omits an absent Warning", async () => {
    const a = await createJob();
    const reply = await call([
      ['Action', 'GetShippingLabel'],
      ['jobIds', ` ${a} ,`],
      ['name', 'Jane Roe'],
    ]);
    expect(reply.status).toBe(200);
    expect(server.labels.calls.at(-1)!.request.jobIds).toEqual([a]);
    expect(reply.text).not.toContain('<Warning>');
  });

  it("passes the port's errors through (InvalidAddressException)", async () => {
    const a = await createJob();
    const reply = await call([
      ['Action', 'GetShippingLabel'],
      ['jobIds.member.1', a],
    ]);
    expect([reply.status, reply.get('Code')]).toEqual([400, 'InvalidAddressException']);
  });
});
