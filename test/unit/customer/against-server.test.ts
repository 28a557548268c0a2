import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IssuedLabel, LabelRequest, ShippingLabels } from '../../../src/api/labels/types.js';
import { registerQueryApi } from '../../../src/api/query/index.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { verifySignatureFile } from '../../../src/jobs/index.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';
import { customerEnv, runCli, workDir } from './helpers.js';

// The customer commands against the REAL query API plugin (registerQueryApi) over the real
// services and an in-memory store. Only the ShippingLabels port is a tiny FAKE (below): it checks
// the jobs through JobService like the real one and hands out a URL this app serves a PDF from.

const FAKE_PDF = Buffer.from('%PDF-1.4\n% fake label for the customer CLI tests\n%%EOF\n', 'latin1');

class FakeLabels implements ShippingLabels {
  constructor(private readonly services: TestServices) {}

  async issue(request: LabelRequest, baseUrl: string): Promise<IssuedLabel> {
    for (const jobId of request.jobIds) await this.services.jobs.getStatus(request.caller, jobId);
    if (!request.address.name) throw new CatalogError('InvalidAddressException');
    return { url: `${baseUrl}/fake-labels/${request.jobIds.join('-')}.pdf`, warning: null };
  }
}

let services: TestServices;
let app: FastifyInstance;
let endpoint: string;
let customer: { key: string; secret: string };
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  services = await makeServices();
  customer = await customerWithBucket(services, 'photos');
  app = Fastify({ logger: false });
  // The plugin's own clock is the system clock, which is what the CLI signs with.
  await registerQueryApi(app, {
    jobs: services.jobs,
    accounts: services.accounts,
    labels: new FakeLabels(services),
    logError: (err) => {
      throw err;
    },
  });
  app.get('/fake-labels/:name', async (_request, reply) => reply.type('application/pdf').send(FAKE_PDF));
  endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await services.close();
});
beforeEach(async () => {
  ({ dir, cleanup } = await workDir());
  await writeFile(join(dir, 'manifest.yaml'), importManifest('photos'));
});
afterEach(async () => {
  await cleanup();
});

function run(...args: string[]) {
  const env = customerEnv(endpoint, dir, {
    AWS_ACCESS_KEY_ID: customer.key,
    AWS_SECRET_ACCESS_KEY: customer.secret,
  });
  return runCli(args, env, dir);
}

async function signatureIsValid(jobId: string, manifest: string, path = join(dir, 'SIGNATURE')) {
  return verifySignatureFile(
    services.signingKey,
    { jobId, manifestText: manifest },
    await readFile(path, 'utf8'),
  );
}

describe('customer commands against registerQueryApi', () => {
  it("runs a job's whole life: create, status, list, update, label, cancel", async () => {
    const manifest = importManifest('photos');

    const checked = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      'manifest.yaml',
      '--validate-only',
    );
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toMatch(/^The manifest is valid; no job was created/);

    const created = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml', '--json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const job = JSON.parse(created.stdout) as Record<string, string>;
    const jobId = job.JobId!;
    expect(jobId).toMatch(/^[1-9A-NP-Z]{5}$/);
    expect(job).toMatchObject({ JobType: 'Import', SignatureFilePath: join(dir, 'SIGNATURE') });
    expect(await readFile(join(dir, 'SIGNATURE'), 'utf8')).toBe(job.SignatureFileContents);
    expect(await signatureIsValid(jobId, manifest)).toBe('valid');

    const status = await run('get-status', '--job-id', jobId.toLowerCase());
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(new RegExp(`^job ID +${jobId}$`, 'm'));
    expect(status.stdout).toMatch(/^location +NotReceived: /m);
    expect(status.stdout).toMatch(/^progress +Pending: /m);
    expect(status.stdout).toMatch(/^errors +0$/m);
    expect(status.stdout).toContain('current manifest:\n  manifestVersion: 2.0\n');
    const statusJson = JSON.parse((await run('get-status', '--job-id', jobId, '--json')).stdout) as Record<
      string,
      unknown
    >;
    expect(statusJson).toMatchObject({
      JobId: jobId,
      JobType: 'Import',
      LocationCode: 'NotReceived',
      ProgressCode: 'Pending',
      ErrorCount: 0,
      Signature: job.Signature,
      SignatureFileContents: job.SignatureFileContents,
      CurrentManifest: manifest,
    });

    const listed = await run('list-jobs');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(new RegExp(`^JOBS\\t\\S+\\tFalse\\t${jobId}\\tImport$`, 'm'));

    const newManifest = importManifest('photos', 'notificationEmail: jane@example.org\n');
    await writeFile(join(dir, 'new.yaml'), newManifest);
    const updated = await run('update-job', '--job-id', jobId, '--manifest', 'new.yaml');
    expect(updated).toMatchObject({ code: 0, stderr: '' });
    expect(updated.stdout).toMatch(new RegExp(`^Updated job ${jobId}\\.`));
    expect(await signatureIsValid(jobId, newManifest)).toBe('valid');
    expect(await signatureIsValid(jobId, manifest)).toBe('mismatch');

    const label = await run(
      'get-shipping-label',
      '--job-ids',
      jobId,
      '--name',
      'Jane Roe',
      '--output',
      'label.pdf',
    );
    expect(label).toMatchObject({ code: 0, stderr: '' });
    expect(label.stdout).toContain(`${endpoint}/fake-labels/${jobId}.pdf\n`);
    expect(await readFile(join(dir, 'label.pdf'))).toEqual(FAKE_PDF);
    const noName = await run('get-shipping-label', '--job-ids', jobId);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toMatch(/^InvalidAddressException: /);

    const canceled = await run('cancel-job', '--job-id', jobId);
    expect(canceled).toEqual({ code: 0, stdout: `Canceled job ${jobId}.\n`, stderr: '' });
    const after = await run('get-status', '--job-id', jobId);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^CanceledJobIdException: /);
    expect((await run('list-jobs')).stdout).toMatch(new RegExp(`\\tTrue\\t${jobId}\\tImport$`, 'm'));
    const again = await run('cancel-job', '--job-id', jobId, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('CanceledJobIdException');
  });

  it('prints the modeled errors with their codes', async () => {
    const unknown = await run('get-status', '--job-id', 'ZZZZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^InvalidJobIdException: /);

    await writeFile(join(dir, 'nobucket.yaml'), importManifest('no-such-bucket'));
    const noBucket = await run('create-job', '--job-type', 'Import', '--manifest', 'nobucket.yaml');
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toMatch(/^NoSuchBucketException: /);

    await writeFile(join(dir, 'broken.yaml'), 'manifestVersion: 2.0\nbucket: [unclosed\n');
    const broken = await run('create-job', '--job-type', 'Import', '--manifest', 'broken.yaml');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^(MalformedManifestException|InvalidManifestFieldException): /);

    const env = customerEnv(endpoint, dir, {
      AWS_ACCESS_KEY_ID: customer.key,
      AWS_SECRET_ACCESS_KEY: 'wrong',
    });
    const wrongSecret = await runCli(['list-jobs'], env, dir);
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toMatch(/^SignatureDoesNotMatch: /);

    const stranger = customerEnv(endpoint, dir, {
      AWS_ACCESS_KEY_ID: 'LSIA9999999999999999',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    const unknownKey = await runCli(['list-jobs'], stranger, dir);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toMatch(/^InvalidClientTokenId(Exception)?: /);
  });

  it("keeps accounts apart: another account's job is InvalidJobIdException", async () => {
    const created = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml', '--json');
    const jobId = (JSON.parse(created.stdout) as { JobId: string }).JobId;
    const other = await customerWithBucket(services, 'other-photos');
    const env = customerEnv(endpoint, dir, {
      AWS_ACCESS_KEY_ID: other.key,
      AWS_SECRET_ACCESS_KEY: other.secret,
    });
    const result = await runCli(['get-status', '--job-id', jobId], env, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidJobIdException: /);
  });
});
