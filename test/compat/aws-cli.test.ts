import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignature } from '../../src/jobs/index.js';
import {
  CompatServer,
  importManifest,
  JOB_ID,
  lifeManifest,
  SIGNATURE,
  SKIP_COMPAT,
  SETUP_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  signatureFileLines,
  type Credentials,
  type Tenant,
} from './harness.js';

// Debian's AWS CLI v2 (`/usr/bin/aws importexport ...`), unmodified, against a real
// `longshore serve`: every customer operation, with the CLI's own JSON output and error text.

const AWS = '/usr/bin/aws';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let server: CompatServer;
let t: Tenant;
let home: string;

/** `aws importexport ARGS --endpoint-url URL --output json`, with nothing from the machine's AWS setup. */
function aws(args: string[], as: Credentials = t.owner): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: as.accessKeyId,
    AWS_SECRET_ACCESS_KEY: as.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const argv = ['importexport', ...args, '--endpoint-url', server.url, '--output', 'json'];
  return new Promise((resolve) => {
    execFile(AWS, argv, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function json(args: string[], as?: Credentials): Promise<Record<string, unknown>> {
  const run = await aws(args, as);
  expect(run.code, `aws importexport ${args[0]}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** A failed command: exit code 254 (a service error) and the error code in the CLI's message. */
async function expectServiceError(args: string[], code: string, operation: string): Promise<void> {
  const run = await aws(args);
  expect(run.stdout).toBe('');
  expect(run.code, run.stderr).toBe(254);
  expect(run.stderr).toContain(`An error occurred (${code}) when calling the ${operation} operation: `);
}

/** The CLI prints the timestamps it parsed as ISO 8601 with an offset (the server sends `Z`). */
function expectCliTimestamp(value: unknown): Date {
  expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  return new Date(value as string);
}

describe.skipIf(SKIP_COMPAT)(
  "Debian's AWS CLI v2 against longshore serve",
  { timeout: TEST_TIMEOUT_MS },
  () => {
    let job1: string;
    let job2: string;
    const manifest1 = () => lifeManifest(t.bucket);
    const manifest2 = () => lifeManifest(t.bucket, 'acl: public-read\n');
    const createJob = (manifest: string, validateOnly = false) => [
      'create-job',
      ...['--job-type', 'Import', '--manifest', manifest],
      validateOnly ? '--validate-only' : '--no-validate-only',
    ];

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'longshore-awscli-'));
      await writeFile(join(home, 'config'), '');
      await writeFile(join(home, 'credentials'), '');
      server = await CompatServer.start();
      t = await server.tenant('awscli');
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await server?.close();
      if (home) await rm(home, { recursive: true, force: true });
    });

    it('create-job, get-status, list-jobs (paging with --page-size)', async () => {
      const validated = await json(createJob(manifest1(), true));
      expect(validated).toEqual({ JobType: 'Import' });
      const [created, second] = await Promise.all([
        json(createJob(manifest1())),
        json(createJob(manifest1())),
      ]);
      expect(created).toEqual({
        JobId: expect.stringMatching(JOB_ID),
        JobType: 'Import',
        Signature: expect.stringMatching(SIGNATURE),
        SignatureFileContents: expect.any(String),
        ArtifactList: [],
      });
      job1 = created.JobId as string;
      job2 = second.JobId as string;
      expect(created.Signature).toBe(computeSignature(server.signingKey, job1, manifest1()));
      expect((created.SignatureFileContents as string).split('\n')).toEqual(
        signatureFileLines(job1, created.Signature as string),
      );

      const [status, expired, listed] = await Promise.all([
        json(['get-status', '--job-id', job1]),
        json(['get-status', '--job-id', t.expired]),
        // Two jobs per request: the CLI follows IsTruncated with Marker = the last JobId.
        json(['list-jobs', '--page-size', '2']),
      ]);
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
        CreationDate: expect.any(String),
        ArtifactList: [],
      });
      expect(Math.abs(expectCliTimestamp(status.CreationDate).getTime() - Date.now())).toBeLessThan(600_000);
      expect(expired).toMatchObject({
        JobId: t.expired,
        LocationCode: 'NotReceived',
        ProgressCode: 'Expired',
      });

      const jobs = listed.Jobs as Record<string, unknown>[];
      const ids = new Set([job1, job2]);
      const newest = jobs.slice(0, 2).map((j) => j.JobId);
      expect(new Set(newest)).toEqual(ids);
      expect(jobs.slice(2).map((j) => j.JobId)).toEqual([t.expired, t.longExpired]);
      for (const job of jobs) {
        expect(Object.keys(job).sort()).toEqual(['CreationDate', 'IsCanceled', 'JobId', 'JobType']);
        expect(job).toMatchObject({ JobType: 'Import', IsCanceled: false });
        expectCliTimestamp(job.CreationDate);
      }
    });

    it('update-job, get-shipping-label, cancel-job', async () => {
      const updated = await json([
        'update-job',
        ...['--job-id', job1, '--job-type', 'Import', '--manifest', manifest2(), '--no-validate-only'],
      ]);
      expect(updated).toEqual({ Success: true, ArtifactList: [] });
      const [label, canceled, status] = await Promise.all([
        json(['get-shipping-label', '--job-ids', job1]),
        json(['cancel-job', '--job-id', job2]),
        json(['get-status', '--job-id', job1]),
      ]);
      expect(status).toMatchObject({
        CurrentManifest: manifest2(),
        Signature: computeSignature(server.signingKey, job1, manifest2()),
      });
      expect(Object.keys(label)).toEqual(['ShippingLabelURL']);
      expect(await server.fetchLabel(label.ShippingLabelURL as string)).toEqual({
        status: 200,
        type: 'application/pdf',
        magic: '%PDF-',
      });
      expect(canceled).toEqual({ Success: true });
      const listed = await json(['list-jobs', '--max-items', '2']);
      const flags = (listed.Jobs as Record<string, unknown>[]).map((j) => [j.JobId, j.IsCanceled]);
      expect(flags).toContainEqual([job2, true]);
      expect(flags).toContainEqual([job1, false]);
    });

    it('prints the modeled exception on stderr and exits 254', async () => {
      await Promise.all([
        expectServiceError(['get-status', '--job-id', 'ZZZZ9'], 'InvalidJobIdException', 'GetStatus'),
        expectServiceError(['get-status', '--job-id', job2], 'CanceledJobIdException', 'GetStatus'),
        expectServiceError(
          createJob(importManifest(t.otherBucket)),
          'BucketPermissionException',
          'CreateJob',
        ),
        expectServiceError(['list-jobs', '--page-size', '1001'], 'InvalidParameterException', 'ListJobs'),
      ]);
      const run = await aws(['list-jobs'], t.wrongSecret);
      expect(run.code).toBe(254);
      expect(run.stderr).toContain(
        'An error occurred (SignatureDoesNotMatch) when calling the ListJobs operation',
      );
    });
  },
);
