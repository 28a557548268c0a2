import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

// Debian's python3-boto3, unmodified, drives a whole job life against a real `longshore serve`:
// once with botocore's default signing (SigV4) and once with signature_version='v2'.

const PYTHON = '/usr/bin/python3';
const DRIVER = fileURLToPath(new URL('./boto3_driver.py', import.meta.url));

type Variant = 'v4' | 'v2';

/** How botocore signed one HTTP request (from its before-send event). */
interface Sent {
  authorization: string | null;
  signatureVersion: string | null;
  signatureMethod: string | null;
  awsAccessKeyId: string | null;
  action: string | null;
  version: string | null;
  marker: string | null;
  maxJobs: string | null;
}

type Output = Record<string, unknown>;
/** A call as the driver takes it: optionally paginated, optionally signed for another region. */
type DriverCall = Call & { paginate?: Record<string, number>; region?: string };
type Result =
  | { ok: true; output: Output; pages?: Output[]; sent: Sent[] }
  | {
      ok: false;
      exception: string;
      modeled: boolean;
      code: string | null;
      type?: string;
      message: string;
      status: number | null;
      sent: Sent[];
    };

/** Named calls, run in order by one Python process. */
class Batch {
  readonly names: string[] = [];
  readonly calls: DriverCall[] = [];
  add(name: string, call: DriverCall): this {
    this.names.push(name);
    this.calls.push(call);
    return this;
  }
}

class Results {
  constructor(private readonly byName: Map<string, Result>) {}

  /** The output of a call that must have succeeded. */
  ok(name: string): Output {
    const result = this.get(name);
    if (!result.ok)
      throw new Error(`${name}: boto3 raised ${result.exception} (${result.code}): ${result.message}`);
    return result.output;
  }

  pages(name: string): Output[] {
    const result = this.get(name);
    if (!result.ok || !result.pages) throw new Error(`${name}: ${JSON.stringify(result)}`);
    return result.pages;
  }

  /** A call that must have raised `client.exceptions.<code>` with a 400 Sender error. */
  modeled(name: string, code: string): void {
    expect(this.get(name), name).toMatchObject({
      ok: false,
      exception: code,
      modeled: true,
      code,
      status: 400,
    });
  }

  get(name: string): Result {
    const result = this.byName.get(name);
    if (!result) throw new Error(`no call named ${name}`);
    return result;
  }

  all(): Result[] {
    return [...this.byName.values()];
  }
}

function runBoto3(
  server: CompatServer,
  variant: Variant,
  owner: Credentials,
  batch: Batch,
): Promise<Results> {
  const spec = {
    endpoint: server.url,
    region: 'us-east-1',
    ...owner,
    signatureVersion: variant === 'v2' ? 'v2' : null,
    calls: batch.calls.map(({ op, params, as, paginate, region }) => ({
      op,
      params,
      ...(as ? { credentials: as } : {}),
      ...(paginate ? { paginate } : {}),
      ...(region ? { region } : {}),
    })),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [DRIVER], {
      // No AWS_* settings or config files of the machine: only what the driver passes.
      env: {
        PATH: process.env.PATH,
        HOME: '/nonexistent',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`boto3 driver exited with ${code}:\n${stderr}`));
      const results = JSON.parse(stdout) as Result[];
      const byName = new Map(batch.names.map((name, i) => [name, results[i]!]));
      const outcome = new Results(byName);
      for (const result of results) expectSigned(variant, result.sent);
      resolve(outcome);
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

/** Every request left botocore signed as the variant says: SigV4 header, or SigV2 form fields. */
function expectSigned(variant: Variant, sent: Sent[]): void {
  expect(sent.length).toBeGreaterThan(0);
  for (const request of sent) {
    expect(request.version).toBe('2010-06-01');
    if (variant === 'v4') {
      expect(request.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=\S+\/\d{8}\/[a-z0-9-]+\/IngestionService\/aws4_request, SignedHeaders=/,
      );
      expect(request.signatureVersion).toBeNull();
    } else {
      expect(request.authorization).toBeNull();
      expect(request).toMatchObject({ signatureVersion: '2', signatureMethod: 'HmacSHA256' });
    }
  }
}

/** botocore parsed the timestamp into a timezone-aware datetime; returns it as a Date. */
function datetime(value: unknown): Date {
  expect(value).toMatchObject({ $datetime: expect.any(String), tz: true });
  const date = new Date((value as { $datetime: string }).$datetime);
  expect(Number.isNaN(date.getTime())).toBe(false);
  return date;
}

function expectRecent(date: Date): void {
  expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(10 * 60_000);
}

let server: CompatServer;
const tenants = new Map<Variant, Tenant>();

describe.skipIf(SKIP_COMPAT)(
  "Debian's boto3 (python3-boto3) against longshore serve",
  { timeout: TEST_TIMEOUT_MS },
  () => {
    beforeAll(async () => {
      server = await CompatServer.start();
      const [v4, v2] = await server.tenants('boto3-v4', 'boto3-v2');
      tenants.set('v4', v4!);
      tenants.set('v2', v2!);
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await server?.close();
    });

    describe.each<Variant>(['v4', 'v2'])('signing %s', (variant) => {
      let t: Tenant;
      /** job1 lives its whole life, job2 gets canceled, job3 is an export job. */
      let job1: string;
      let job2: string;
      let job3: string;
      const manifest1 = () => lifeManifest(t.bucket);
      const manifest2 = () => lifeManifest(t.bucket, 'acl: public-read\n');
      const run = (batch: Batch) => runBoto3(server, variant, t.owner, batch);

      beforeAll(() => {
        t = tenants.get(variant)!;
      });

      it('runs a job through CreateJob, GetStatus, UpdateJob, GetShippingLabel, ListJobs and CancelJob', async () => {
        const first = await run(
          new Batch()
            .add('validate', create(manifest1(), { ValidateOnly: true }))
            .add('validateWarning', create(lifeManifest(t.bucket, 'colour: blue\n'), { ValidateOnly: true }))
            .add('create1', create(manifest1()))
            .add('create2', create(manifest1()))
            .add('create3', {
              op: 'CreateJob',
              params: { JobType: 'Export', Manifest: validExportManifest(t.bucket), ValidateOnly: false },
            }),
        );
        // ValidateOnly: the manifest is checked, no job is made.
        expect(first.ok('validate')).toEqual({ JobType: 'Import' });
        // Unknown manifest fields are warnings, not errors.
        expect(first.ok('validateWarning')).toEqual({
          JobType: 'Import',
          WarningMessage: expect.stringContaining('colour'),
        });
        const created = first.ok('create1');
        expect(created).toEqual({
          JobId: expect.stringMatching(JOB_ID),
          JobType: 'Import',
          Signature: expect.stringMatching(SIGNATURE),
          SignatureFileContents: expect.any(String),
          ArtifactList: [],
        });
        job1 = created.JobId as string;
        job2 = first.ok('create2').JobId as string;
        job3 = first.ok('create3').JobId as string;
        expect(first.ok('create3')).toMatchObject({
          JobId: expect.stringMatching(JOB_ID),
          JobType: 'Export',
        });
        expect(new Set([job1, job2, job3]).size).toBe(3);
        // The SIGNATURE is HMAC-SHA256(signing key, jobId \n manifest), and the file carries it.
        expect(created.Signature).toBe(computeSignature(server.signingKey, job1, manifest1()));
        expect((created.SignatureFileContents as string).split('\n')).toEqual(
          signatureFileLines(job1, created.Signature as string),
        );

        const second = await run(
          new Batch()
            .add('status', { op: 'GetStatus', params: { JobId: job1 } })
            .add('statusLowerCase', { op: 'GetStatus', params: { JobId: job1.toLowerCase() } })
            .add('statusOtherRegion', { op: 'GetStatus', params: { JobId: job1 }, region: 'ap-northeast-1' })
            .add('updateValidate', updateOf(t, job1, manifest2(), true))
            .add('statusAfterValidate', { op: 'GetStatus', params: { JobId: job1 } })
            .add('update', updateOf(t, job1, manifest2()))
            .add('statusAfterUpdate', { op: 'GetStatus', params: { JobId: job1 } })
            .add('label', {
              op: 'GetShippingLabel',
              params: {
                jobIds: [job1, job3],
                name: 'Jane Roe',
                company: 'Example Corp.',
                street1: '1 Main St',
                city: 'Springfield',
                stateOrProvince: 'OR',
                postalCode: '97477',
                country: 'US',
                phoneNumber: '541-555-0100',
              },
            })
            .add('labelFromManifest', { op: 'GetShippingLabel', params: { jobIds: [job1] } })
            .add('list', { op: 'ListJobs', params: {} })
            .add('cancel', { op: 'CancelJob', params: { JobId: job2 } })
            .add('statusCanceled', { op: 'GetStatus', params: { JobId: job2 } })
            .add('cancelCanceled', { op: 'CancelJob', params: { JobId: job2 } })
            .add('updateCanceled', updateOf(t, job2))
            .add('labelCanceled', { op: 'GetShippingLabel', params: { jobIds: [job2] } })
            .add('listAfterCancel', { op: 'ListJobs', params: { MaxJobs: 10 } })
            .add('statusExpired', { op: 'GetStatus', params: { JobId: t.expired } }),
        );

        const status = second.ok('status');
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
          CreationDate: expect.anything(),
          ArtifactList: [],
        });
        expectRecent(datetime(status.CreationDate));
        expect(second.ok('statusLowerCase').JobId).toBe(job1);
        // SigV4 is accepted for any region (the query API is regionless here).
        expect(second.ok('statusOtherRegion').JobId).toBe(job1);
        const otherRegion = second.get('statusOtherRegion').sent[0]!;
        if (variant === 'v4')
          expect(otherRegion.authorization).toContain('/ap-northeast-1/IngestionService/');

        // UpdateJob: ValidateOnly changes nothing; otherwise a new manifest and a new SIGNATURE.
        expect(second.ok('updateValidate')).toEqual({ Success: true, ArtifactList: [] });
        expect(second.ok('statusAfterValidate').CurrentManifest).toBe(manifest1());
        expect(second.ok('update')).toEqual({ Success: true, ArtifactList: [] });
        const updated = second.ok('statusAfterUpdate');
        const newSignature = computeSignature(server.signingKey, job1, manifest2());
        expect(updated).toMatchObject({ CurrentManifest: manifest2(), Signature: newSignature });
        expect(newSignature).not.toBe(created.Signature);
        expect((updated.SignatureFileContents as string).split('\n')).toEqual(
          signatureFileLines(job1, newSignature),
        );

        // GetShippingLabel: a URL serving a PDF, with the address given or the manifest's.
        for (const name of ['label', 'labelFromManifest']) {
          const label = second.ok(name);
          expect(Object.keys(label)).toEqual(['ShippingLabelURL']);
          expect(await server.fetchLabel(label.ShippingLabelURL as string)).toEqual({
            status: 200,
            type: 'application/pdf',
            magic: '%PDF-',
          });
        }

        // ListJobs: newest first, each with its creation date, type and IsCanceled.
        const listed = second.ok('list');
        expect(listed.IsTruncated).toBe(false);
        const jobs = listed.Jobs as Output[];
        expect(jobs.map((j) => j.JobId)).toEqual([job3, job2, job1, t.expired, t.longExpired]);
        expect(jobs.map((j) => [j.JobType, j.IsCanceled])).toEqual([
          ['Export', false],
          ['Import', false],
          ['Import', false],
          ['Import', false],
          ['Import', false],
        ]);
        for (const job of jobs)
          expect(Object.keys(job).sort()).toEqual(['CreationDate', 'IsCanceled', 'JobId', 'JobType']);
        expectRecent(datetime(jobs[0]!.CreationDate));
        expect(datetime(jobs[3]!.CreationDate).getTime()).toBeLessThan(Date.now() - 30 * 86_400_000);

        // CancelJob, then every operation refuses the canceled job; ListJobs still shows it.
        expect(second.ok('cancel')).toEqual({ Success: true });
        second.modeled('statusCanceled', 'CanceledJobIdException');
        second.modeled('cancelCanceled', 'CanceledJobIdException');
        second.modeled('updateCanceled', 'CanceledJobIdException');
        second.modeled('labelCanceled', 'CanceledJobIdException');
        const afterCancel = (second.ok('listAfterCancel').Jobs as Output[]).map((j) => [
          j.JobId,
          j.IsCanceled,
        ]);
        expect(afterCancel.slice(0, 3)).toEqual([
          [job3, false],
          [job2, true],
          [job1, false],
        ]);

        // A job expired by serve's scheduler still answers GetStatus, with ProgressCode Expired.
        expect(second.ok('statusExpired')).toMatchObject({
          JobId: t.expired,
          LocationCode: 'NotReceived',
          ProgressCode: 'Expired',
        });
      });

      it('follows the station: loading refuses UpdateJob, a returned job refuses CancelJob and shows carrier and log', async () => {
        await server.receiveAndStartLoad(job1);
        const loading = await run(
          new Batch()
            .add('status', { op: 'GetStatus', params: { JobId: job1 } })
            .add('update', updateOf(t, job1))
            .add('label', { op: 'GetShippingLabel', params: { jobIds: [job1] } }),
        );
        expect(loading.ok('status')).toMatchObject({
          LocationCode: 'AtAWS',
          ProgressCode: 'InProgress',
          ErrorCount: 0,
        });
        expect(loading.ok('status')).not.toHaveProperty('Carrier');
        loading.modeled('update', 'UnableToUpdateJobIdException');
        // The device is at the station already: a label still comes, with a warning.
        expect(loading.ok('label')).toEqual({
          ShippingLabelURL: expect.any(String),
          Warning: expect.stringContaining(job1),
        });

        const done = loadDone(t.bucket, job1);
        await server.finishAndReturn(job1, done);
        const returned = await run(
          new Batch()
            .add('status', { op: 'GetStatus', params: { JobId: job1 } })
            .add('cancel', { op: 'CancelJob', params: { JobId: job1 } })
            .add('update', updateOf(t, job1)),
        );
        const status = returned.ok('status');
        expect(status).toEqual({
          JobId: job1,
          JobType: 'Import',
          LocationCode: 'Returned',
          LocationMessage: `The device was sent back with ${done.carrier}; tracking number ${done.trackingNumber}.`,
          ProgressCode: 'SuccessWithErrors',
          ProgressMessage: expect.any(String),
          Carrier: done.carrier,
          TrackingNumber: done.trackingNumber,
          LogBucket: done.logBucket,
          LogKey: done.logKey,
          ErrorCount: done.errorCount,
          Signature: computeSignature(server.signingKey, job1, manifest2()),
          SignatureFileContents: expect.stringContaining(`jobId:${job1}\n`),
          CurrentManifest: manifest2(),
          CreationDate: expect.anything(),
          ArtifactList: [],
        });
        expectRecent(datetime(status.CreationDate));
        returned.modeled('cancel', 'UnableToCancelJobIdException');
        returned.modeled('update', 'UnableToUpdateJobIdException');
      });

      it('cancels a job while it loads, pages ListJobs with the paginator, stops CreateJob at the quota', async () => {
        const created = await run(
          new Batch()
            .add('create4', create(manifest1()))
            .add('create5', create(manifest1()))
            .add('overQuota', create(manifest1())),
        );
        // job1..job5 are today's QUOTA jobs; the backdated ones do not count.
        expect(QUOTA).toBe(5);
        created.modeled('overQuota', 'CreateJobQuotaExceededException');
        const job4 = created.ok('create4').JobId as string;
        const job5 = created.ok('create5').JobId as string;

        // DECISIONS §2: a load in progress can still be canceled (it stops cleanly).
        await server.receiveAndStartLoad(job4);
        const results = await run(
          new Batch()
            .add('cancelLoading', { op: 'CancelJob', params: { JobId: job4 } })
            .add('statusCanceled', { op: 'GetStatus', params: { JobId: job4 } })
            .add('all', { op: 'ListJobs', params: {} })
            .add('firstPage', { op: 'ListJobs', params: { MaxJobs: 3 } })
            .add('paginated', { op: 'ListJobs', params: {}, paginate: { PageSize: 3 } })
            .add('empty', { op: 'ListJobs', params: { MaxJobs: 0 } }),
        );
        expect(results.ok('cancelLoading')).toEqual({ Success: true });
        results.modeled('statusCanceled', 'CanceledJobIdException');
        expect((await server.store.getJob(job4))?.canceled).toBe(true);

        const listed = (results.ok('all').Jobs as Output[]).map((j) => [j.JobId, j.IsCanceled]);
        expect(listed).toEqual([
          [job5, false],
          [job4, true],
          [job3, false],
          [job2, true],
          [job1, false],
          [t.expired, false],
          [t.longExpired, false],
        ]);
        const all = listed.map(([id]) => id);
        const firstPage = results.ok('firstPage');
        expect(firstPage.IsTruncated).toBe(true);
        expect((firstPage.Jobs as Output[]).map((j) => j.JobId)).toEqual(all.slice(0, 3));

        // botocore's paginator sends Jobs[-1].JobId as the next Marker while IsTruncated is true.
        const pages = results.pages('paginated');
        expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
        expect(pages.flatMap((p) => (p.Jobs as Output[]).map((j) => j.JobId))).toEqual(all);
        expect(results.get('paginated').sent.map((r) => [r.maxJobs, r.marker])).toEqual([
          ['3', null],
          ['3', all[2]],
          ['3', all[5]],
        ]);

        expect(results.ok('empty')).toEqual({ Jobs: [], IsTruncated: true });
      });

      it('raises every modeled error as client.exceptions.<Code>, and the auth errors as ClientError codes', async () => {
        const cases = stateFreeErrorCases(t, job3);
        const batch = new Batch();
        cases.forEach((c, i) => batch.add(`${i}: ${c.name}`, c.call));
        const results = await run(batch);
        const outcomes = cases.map((c, i) => {
          const result = results.get(`${i}: ${c.name}`);
          return result.ok
            ? { name: c.name, ok: true }
            : {
                name: c.name,
                exception: result.exception,
                modeled: result.modeled,
                code: result.code,
                status: result.status,
                type: result.type,
              };
        });
        expect(outcomes).toEqual(
          cases.map((c) => ({
            name: c.name,
            exception: c.modeled ? c.code : 'ClientError',
            modeled: c.modeled,
            code: c.code,
            status: c.status,
            type: 'Sender',
          })),
        );
      });
    });
  },
);
