import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithBucket, importManifest } from '../../helpers/services.js';
import { startQueryServer, type TestQueryServer } from './query-server.js';

const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

let server: TestQueryServer;
beforeAll(async () => {
  // boto3 signs with the real clock, so the server checks signatures against it too.
  server = await startQueryServer({ authClock: () => new Date() });
});
afterAll(async () => {
  await server?.close();
});

/** A quick real-client check; the full boto3 / aws-sdk v2 / AWS CLI suite is separate. */
describe.skipIf(!existsSync(PYTHON))("Debian's boto3 against the query API", () => {
  it.each(['v4', 'v2'])('runs ListJobs, CreateJob, GetStatus and a modeled error (%s)', async (sig) => {
    const bucket = `smoke-${sig}`;
    const customer = await customerWithBucket(server.services, bucket);
    const manifest = importManifest(bucket, '# Zoë 日本 a+b 100% *~\n');
    const { stdout } = await run(PYTHON, ['test/unit/api/boto3_smoke.py'], {
      env: {
        PATH: process.env.PATH,
        ENDPOINT: server.url,
        KEY: customer.key,
        SECRET: customer.secret,
        BUCKET: bucket,
        SIG: sig,
        MANIFEST: manifest,
      },
    });
    const out = JSON.parse(stdout);
    expect(out.empty).toEqual([]);
    expect(out.created.JobId).toMatch(/^[1-9A-NP-Z]{5}$/);
    expect(out.created.JobType).toBe('Import');
    expect(out.created.SignatureFileContents).toContain(`jobId:${out.created.JobId}`);
    expect(out.status).toMatchObject({
      JobId: out.created.JobId,
      LocationCode: 'NotReceived',
      ProgressCode: 'Pending',
      ErrorCount: 0,
      CurrentManifest: manifest,
      Carrier: null,
      CreationDate: '2026-03-02T10:00:00+00:00',
    });
    expect(out.listed).toEqual([[out.created.JobId, false, 'Import']]);
    expect(out.truncated).toBe(false);
    expect(out.error).toEqual(['InvalidJobIdException', 400]);
  });

  it('parses every golden fixture into the modeled output or exception', async () => {
    const cases = [
      ['get-status.xml', 'GetStatus', '200'],
      ['get-status-new-job.xml', 'GetStatus', '200'],
      ['create-job.xml', 'CreateJob', '200'],
      ['list-jobs.xml', 'ListJobs', '200'],
      ['update-job.xml', 'UpdateJob', '200'],
      ['cancel-job.xml', 'CancelJob', '200'],
      ['get-shipping-label.xml', 'GetShippingLabel', '200'],
      ['error-invalid-job-id.xml', 'GetStatus', '400'],
    ];
    const args = cases.flatMap(([file, op, status]) => [`test/fixtures/api/${file}`, op!, status!]);
    const { stdout } = await run(PYTHON, ['test/unit/api/botocore_parse.py', ...args]);
    const parsed = JSON.parse(stdout);
    expect(parsed['get-status.xml']).toMatchObject({
      Carrier: 'UPS',
      ErrorCount: 3,
      CurrentManifest: expect.stringContaining('manifestVersion: 2.0\r\nbucket: photos\n# <tags> & "quotes"'),
      CreationDate: '2026-02-27 08:30:15+00:00',
      ArtifactList: [
        { Description: 'Shipping label', URL: 'https://labels.example/RTRND.pdf?exp=1&sig=a+b' },
      ],
    });
    expect(parsed['get-status-new-job.xml']).not.toHaveProperty('Carrier');
    expect(parsed['create-job.xml']).toMatchObject({ JobId: 'NEW12', ArtifactList: [] });
    expect(parsed['list-jobs.xml']).toMatchObject({
      IsTruncated: true,
      Jobs: [{ IsCanceled: false }, { IsCanceled: true }],
    });
    expect(parsed['update-job.xml']).toMatchObject({ Success: true, WarningMessage: expect.any(String) });
    expect(parsed['cancel-job.xml']).toMatchObject({ Success: true });
    expect(parsed['get-shipping-label.xml'].Warning).toContain('& keep the label dry <please>');
    expect(parsed['error-invalid-job-id.xml'].Error).toMatchObject({
      Type: 'Sender',
      Code: 'InvalidJobIdException',
    });
  });
});
