import type { AWSError, Request, Response } from 'aws-sdk';
import type ImportExport from 'aws-sdk/clients/importexport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignature } from '../../src/jobs/index.js';
import {
  CompatServer,
  create,
  JOB_ID,
  lifeManifest,
  loadDone,
  QUOTA,
  SIGNATURE,
  SKIP_COMPAT,
  SETUP_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  signatureFileLines,
  stateFreeErrorCases,
  updateOf,
  validExportManifest,
  type Call,
  type Credentials,
  type Tenant,
} from './harness.js';

// The npm aws-sdk v2 ImportExport client, unmodified and with its defaults (SigV2, HmacSHA256),
// drives a whole job life against a real `longshore serve`.

type Output = Record<string, unknown>;
type Outcome =
  | { ok: true; output: Output; body: string; authorization: string | undefined }
  | { ok: false; error: AWSError; body: string; authorization: string | undefined };

/** What the SDK's Response carries at run time beyond its typings: the HTTP request it sent. */
interface WireResponse {
  request: { httpRequest: { body: unknown; headers: Record<string, string | undefined> } };
}

type ImportExportClass = typeof ImportExport;
let ImportExportClient: ImportExportClass;

let server: CompatServer;
let t: Tenant;
const clients = new Map<string, ImportExport>();

function clientFor(credentials: Credentials): ImportExport {
  const key = `${credentials.accessKeyId}\n${credentials.secretAccessKey}`;
  let client = clients.get(key);
  if (!client) {
    client = new ImportExportClient({ endpoint: server.url, region: 'us-east-1', ...credentials });
    clients.set(key, client);
  }
  return client;
}

/** The SDK method of an operation: `createJob` for CreateJob. */
function methodOf(client: ImportExport, op: Call['op']) {
  const name = `${op.charAt(0).toLowerCase()}${op.slice(1)}` as 'getStatus';
  return (params: Output) =>
    (client[name] as unknown as (p: Output) => Request<Output, AWSError>).call(client, params);
}

/** Sends one call as the SDK would, recording the wire body and Authorization header it signed. */
async function send(call: Call): Promise<Outcome> {
  const request = methodOf(clientFor(call.as ?? t.owner), call.op)(call.params);
  let body = '';
  let authorization: string | undefined;
  request.on('send', (response) => {
    const { httpRequest } = (response as unknown as WireResponse).request;
    body = String(httpRequest.body);
    authorization = httpRequest.headers.Authorization;
  });
  try {
    const output = (await request.promise()) as Output & { $response?: unknown };
    const { $response: _response, ResponseMetadata: _metadata, ...data } = output;
    return { ok: true, output: data, body, authorization };
  } catch (error) {
    return { ok: false, error: error as AWSError, body, authorization };
  }
}

/** The SigV2 fields aws-sdk v2 put into the form body (its default for this service). */
function expectSigV2(outcome: Outcome, accessKeyId: string): void {
  expect(outcome.authorization).toBeUndefined();
  const form = new URLSearchParams(outcome.body);
  expect(form.get('SignatureVersion')).toBe('2');
  expect(form.get('SignatureMethod')).toBe('HmacSHA256');
  expect(form.get('AWSAccessKeyId')).toBe(accessKeyId);
  expect(form.get('Version')).toBe('2010-06-01');
  expect(form.get('Signature')).toMatch(SIGNATURE);
  expect(form.get('Timestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
}

async function ok(call: Call): Promise<Output> {
  const outcome = await send(call);
  expectSigV2(outcome, (call.as ?? t.owner).accessKeyId);
  if (!outcome.ok) throw new Error(`${call.op}: ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.output;
}

/** The AWSError of a call that must fail: code, HTTP status and message as the SDK parsed them. */
async function failure(
  call: Call,
): Promise<{ code: string; statusCode: number | undefined; message: string }> {
  const outcome = await send(call);
  expectSigV2(outcome, (call.as ?? t.owner).accessKeyId);
  if (outcome.ok) throw new Error(`${call.op} succeeded: ${JSON.stringify(outcome.output)}`);
  const { code, statusCode, message } = outcome.error;
  return { code, statusCode, message };
}

async function expectCode(call: Call, code: string): Promise<void> {
  expect(await failure(call)).toMatchObject({ code, statusCode: 400 });
}

function expectRecent(date: unknown): void {
  expect(date).toBeInstanceOf(Date);
  expect(Math.abs((date as Date).getTime() - Date.now())).toBeLessThan(10 * 60_000);
}

describe.skipIf(SKIP_COMPAT)(
  'npm aws-sdk v2 ImportExport against longshore serve',
  { timeout: TEST_TIMEOUT_MS },
  () => {
    let job1: string;
    let job2: string;
    let job3: string;
    const manifest1 = () => lifeManifest(t.bucket);
    const manifest2 = () => lifeManifest(t.bucket, 'acl: public-read\n');

    beforeAll(async () => {
      // Set before the SDK loads: it otherwise prints its end-of-support notice.
      process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
      ImportExportClient = (await import('aws-sdk/clients/importexport.js')).default;
      server = await CompatServer.start();
      t = await server.tenant('awssdk');
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await server?.close();
    });

    it('signs with SigV2 by default (the model says v2; nothing is configured)', () => {
      const client = clientFor(t.owner);
      expect(client.config.signatureVersion ?? null).toBeNull();
      expect((client as unknown as { api: { signatureVersion: string } }).api.signatureVersion).toBe('v2');
    });

    it("also works when told to sign with SigV4 (credential scope service 'importexport')", async () => {
      const client = new ImportExportClient({
        endpoint: server.url,
        region: 'eu-west-1',
        signatureVersion: 'v4',
        ...t.owner,
      });
      let authorization: string | undefined;
      const request = client.listJobs({ MaxJobs: 1 });
      request.on('send', (response) => {
        authorization = (response as unknown as WireResponse).request.httpRequest.headers.Authorization;
      });
      const listed = await request.promise();
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=\S+\/\d{8}\/eu-west-1\/importexport\/aws4_request, SignedHeaders=/,
      );
      expect(listed.Jobs?.map((j) => j.JobId)).toEqual([t.expired]);
      expect(listed.IsTruncated).toBe(true);
    });

    it('runs a job through CreateJob, GetStatus, UpdateJob, GetShippingLabel, ListJobs and CancelJob', async () => {
      // ValidateOnly: no job. (aws-sdk v2 fills in absent list members as [].)
      expect(await ok(create(manifest1(), { ValidateOnly: true }))).toEqual({
        JobType: 'Import',
        ArtifactList: [],
      });
      const created = await ok(create(manifest1()));
      expect(created).toEqual({
        JobId: expect.stringMatching(JOB_ID),
        JobType: 'Import',
        Signature: expect.stringMatching(SIGNATURE),
        SignatureFileContents: expect.any(String),
        ArtifactList: [],
      });
      job1 = created.JobId as string;
      expect(created.Signature).toBe(computeSignature(server.signingKey, job1, manifest1()));
      expect((created.SignatureFileContents as string).split('\n')).toEqual(
        signatureFileLines(job1, created.Signature as string),
      );
      job2 = (await ok(create(manifest1()))).JobId as string;
      const exported = await ok({
        op: 'CreateJob',
        params: { JobType: 'Export', Manifest: validExportManifest(t.bucket), ValidateOnly: false },
      });
      expect(exported).toMatchObject({ JobId: expect.stringMatching(JOB_ID), JobType: 'Export' });
      job3 = exported.JobId as string;

      const status = await ok({ op: 'GetStatus', params: { JobId: job1 } });
      expect(status).toEqual({
        JobId: job1,
        JobType: 'Import',
        LocationCode: 'NotReceived',
        LocationMessage: expect.any(String),
        ProgressCode: 'Pending',
        ProgressMessage: expect.any(String),
        ErrorCount: 0,
        Signature: created.Signature,
        SignatureFileContents: created.SignatureFileContents,
        CurrentManifest: manifest1(),
        CreationDate: expect.any(Date),
        ArtifactList: [],
      });
      expectRecent(status.CreationDate);

      // UpdateJob: ValidateOnly changes nothing; otherwise a new manifest and a new SIGNATURE.
      const validateUpdate = updateOf(t, job1, manifest2());
      validateUpdate.params.ValidateOnly = true;
      expect(await ok(validateUpdate)).toEqual({ Success: true, ArtifactList: [] });
      expect((await ok({ op: 'GetStatus', params: { JobId: job1 } })).CurrentManifest).toBe(manifest1());
      expect(await ok(updateOf(t, job1, manifest2()))).toEqual({ Success: true, ArtifactList: [] });
      const updated = await ok({ op: 'GetStatus', params: { JobId: job1 } });
      const newSignature = computeSignature(server.signingKey, job1, manifest2());
      expect(updated).toMatchObject({ CurrentManifest: manifest2(), Signature: newSignature });
      expect((updated.SignatureFileContents as string).split('\n')).toEqual(
        signatureFileLines(job1, newSignature),
      );

      // GetShippingLabel, with an address and from the manifest: a URL serving a PDF.
      const address = {
        name: 'Jane Roe',
        company: 'Example Corp.',
        street1: '1 Main St',
        street2: 'Suite 100',
        city: 'Springfield',
        stateOrProvince: 'OR',
        postalCode: '97477-1234',
        country: 'United States',
        phoneNumber: '+1 541 555 0100',
      };
      for (const params of [{ jobIds: [job1, job3], ...address }, { jobIds: [job1] }]) {
        const label = await ok({ op: 'GetShippingLabel', params });
        expect(Object.keys(label)).toEqual(['ShippingLabelURL']);
        expect(await server.fetchLabel(label.ShippingLabelURL as string)).toEqual({
          status: 200,
          type: 'application/pdf',
          magic: '%PDF-',
        });
      }

      // ListJobs: newest first, each with its creation date (a Date), type and IsCanceled.
      const listed = await ok({ op: 'ListJobs', params: {} });
      expect(listed.IsTruncated).toBe(false);
      const jobs = listed.Jobs as Output[];
      expect(jobs.map((j) => [j.JobId, j.JobType, j.IsCanceled])).toEqual([
        [job3, 'Export', false],
        [job2, 'Import', false],
        [job1, 'Import', false],
        [t.expired, 'Import', false],
        [t.longExpired, 'Import', false],
      ]);
      expectRecent(jobs[0]!.CreationDate);
      expect((jobs[3]!.CreationDate as Date).getTime()).toBeLessThan(Date.now() - 30 * 86_400_000);

      // CancelJob; then every operation refuses the canceled job, and ListJobs flags it.
      expect(await ok({ op: 'CancelJob', params: { JobId: job2 } })).toEqual({ Success: true });
      await expectCode({ op: 'GetStatus', params: { JobId: job2 } }, 'CanceledJobIdException');
      await expectCode({ op: 'CancelJob', params: { JobId: job2 } }, 'CanceledJobIdException');
      await expectCode(updateOf(t, job2), 'CanceledJobIdException');
      await expectCode({ op: 'GetShippingLabel', params: { jobIds: [job2] } }, 'CanceledJobIdException');
      const afterCancel = (await ok({ op: 'ListJobs', params: { MaxJobs: 3 } })) as { Jobs: Output[] };
      expect(afterCancel.Jobs.map((j) => [j.JobId, j.IsCanceled])).toEqual([
        [job3, false],
        [job2, true],
        [job1, false],
      ]);

      // A job expired by serve's scheduler still answers GetStatus, with ProgressCode Expired.
      expect(await ok({ op: 'GetStatus', params: { JobId: t.expired } })).toMatchObject({
        LocationCode: 'NotReceived',
        ProgressCode: 'Expired',
      });
    });

    it('follows the station: loading refuses UpdateJob, a returned job refuses CancelJob and shows carrier and log', async () => {
      await server.receiveAndStartLoad(job1);
      const loading = await ok({ op: 'GetStatus', params: { JobId: job1 } });
      expect(loading).toMatchObject({ LocationCode: 'AtAWS', ProgressCode: 'InProgress' });
      expect(loading).not.toHaveProperty('TrackingNumber');
      await expectCode(updateOf(t, job1), 'UnableToUpdateJobIdException');

      const done = loadDone(t.bucket, job1);
      await server.finishAndReturn(job1, done);
      const status = await ok({ op: 'GetStatus', params: { JobId: job1 } });
      expect(status).toEqual({
        JobId: job1,
        JobType: 'Import',
        LocationCode: 'Returned',
        LocationMessage: `The device was sent back with ${done.carrier}; tracking number ${done.trackingNumber}.`,
        ProgressCode: 'SuccessWithErrors',
        ProgressMessage: expect.stringContaining(`${done.errorCount} file(s) failed`),
        Carrier: done.carrier,
        TrackingNumber: done.trackingNumber,
        LogBucket: done.logBucket,
        LogKey: done.logKey,
        ErrorCount: done.errorCount,
        Signature: computeSignature(server.signingKey, job1, manifest2()),
        SignatureFileContents: expect.stringContaining(`jobId:${job1}\n`),
        CurrentManifest: manifest2(),
        CreationDate: expect.any(Date),
        ArtifactList: [],
      });
      await expectCode({ op: 'CancelJob', params: { JobId: job1 } }, 'UnableToCancelJobIdException');
      await expectCode(updateOf(t, job1), 'UnableToUpdateJobIdException');
    });

    it("cancels a job while it loads, pages ListJobs with the SDK's eachPage, stops CreateJob at the quota", async () => {
      const job4 = (await ok(create(manifest1()))).JobId as string;
      const job5 = (await ok(create(manifest1()))).JobId as string;
      // job1..job5 are today's QUOTA jobs; the backdated ones do not count.
      expect(QUOTA).toBe(5);
      await expectCode(create(manifest1()), 'CreateJobQuotaExceededException');

      // DECISIONS §2: a load in progress can still be canceled (it stops cleanly).
      await server.receiveAndStartLoad(job4);
      expect(await ok({ op: 'CancelJob', params: { JobId: job4 } })).toEqual({ Success: true });
      await expectCode({ op: 'GetStatus', params: { JobId: job4 } }, 'CanceledJobIdException');

      const all = [job5, job4, job3, job2, job1, t.expired, t.longExpired];
      const pages: { ids: string[]; truncated: unknown; marker: string | null }[] = [];
      await new Promise<void>((resolve, reject) => {
        // With three parameters the SDK calls back with `this` = the page's AWS.Response (its
        // request shows the Marker sent) and waits for `done` before it asks for the next page.
        clientFor(t.owner)
          .listJobs({ MaxJobs: 3 })
          .eachPage(function (this: Response<ImportExport.ListJobsOutput, AWSError>, err, data, done) {
            if (err) reject(err);
            else if (data === null) resolve();
            else {
              const { httpRequest } = (this as unknown as WireResponse).request;
              pages.push({
                ids: (data.Jobs ?? []).map((j) => j.JobId!),
                truncated: data.IsTruncated,
                marker: new URLSearchParams(String(httpRequest.body)).get('Marker'),
              });
              done?.();
            }
            return true;
          });
      });
      expect(pages.map((p) => p.truncated)).toEqual([true, true, false]);
      expect(pages.flatMap((p) => p.ids)).toEqual(all);
      expect(pages.map((p) => p.marker)).toEqual([null, all[2], all[5]]);
      const listed = (await ok({ op: 'ListJobs', params: {} })) as { Jobs: Output[] };
      expect(listed.Jobs.map((j) => j.IsCanceled)).toEqual([false, true, false, true, false, false, false]);
      expect(await ok({ op: 'ListJobs', params: { MaxJobs: 0 } })).toEqual({ Jobs: [], IsTruncated: true });
      expect(await ok({ op: 'ListJobs', params: { MaxJobs: 2, Marker: job4 } })).toMatchObject({
        Jobs: [{ JobId: job3 }, { JobId: job2 }],
        IsTruncated: true,
      });
    });

    it('surfaces every modeled error as err.code, and the auth errors of DECISIONS §4', async () => {
      const cases = stateFreeErrorCases(t, job3);
      const outcomes = [];
      for (const c of cases) outcomes.push({ name: c.name, ...(await failure(c.call)) });
      expect(outcomes.map(({ name, code, statusCode }) => ({ name, code, statusCode }))).toEqual(
        cases.map((c) => ({ name: c.name, code: c.code, statusCode: c.status })),
      );
      for (const outcome of outcomes) expect(outcome.message.length, outcome.name).toBeGreaterThan(10);
    });
  },
);
