import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entryOf } from '../../../src/catalog/index.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCESS_KEY,
  GET_STATUS_FIELDS,
  GOLDEN,
  JOB_ID,
  LISTED_JOBS,
  MANIFEST,
  SECRET_KEY,
  SIGNATURE,
  SIGNATURE_FILE,
  cancelJobXml,
  createJobXml,
  errorXml,
  getStatusXml,
  listJobsXml,
  param,
  shippingLabelXml,
  signatureFileOf,
  signatureOf,
  validateOnlyXml,
} from './golden.js';
import { customerEnv, runCli, workDir, type RunResult } from './helpers.js';
import { startStubApi, type StubApi } from './stub-api.js';

// Every customer command against the stub API (stub-api.ts), which checks each SigV4 signature
// with botocore before it answers with golden XML.

let stub: StubApi;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  stub = await startStubApi(GOLDEN);
  stub.keys.set(ACCESS_KEY, { secret: SECRET_KEY });
});
afterAll(async () => {
  await stub.close();
});
beforeEach(async () => {
  stub.reset();
  ({ dir, cleanup } = await workDir());
});
afterEach(async () => {
  await cleanup();
});

function run(...args: string[]): Promise<RunResult> {
  return runCli(args, customerEnv(stub.url, dir), dir);
}

/** The one request a command sent, checked to be signed correctly. */
function onlyRequest(action: string) {
  expect(stub.seen.map((r) => r.action)).toEqual([action]);
  const request = stub.seen[0]!;
  expect(request).toMatchObject({ verified: true, accessKeyId: ACCESS_KEY, service: 'importexport' });
  expect(param(request, 'Version')).toBe('2010-06-01');
  return request;
}

describe('create-job', () => {
  it('sends the manifest, prints the job and writes ./SIGNATURE', async () => {
    const result = await run('create-job', '--job-type', 'import', '--manifest', 'manifest.yaml');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const path = join(dir, 'SIGNATURE');
    expect(result.stdout).toBe(
      [
        'job ID     K7M2P',
        'job type   Import',
        `signature  ${SIGNATURE}`,
        '',
        `Wrote the SIGNATURE file to ${path}.`,
        'Copy it to the root of the device before you ship the device.',
        '',
      ].join('\n'),
    );
    expect(await readFile(path, 'utf8')).toBe(
      `version:2.0\nsigningMethod:HmacSHA256\njobId:K7M2P\nsignature:${SIGNATURE}\n`,
    );
    expect(await readFile(path, 'utf8')).toBe(SIGNATURE_FILE);
    const request = onlyRequest('CreateJob');
    expect(request.params).toEqual([
      ['Action', 'CreateJob'],
      ['Version', '2010-06-01'],
      ['JobType', 'Import'],
      ['Manifest', MANIFEST],
      ['ValidateOnly', 'false'],
    ]);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(request.region).toBe('us-east-1');
    // No temporary file is left next to the SIGNATURE.
    expect((await readdir(dir)).sort()).toEqual(['SIGNATURE', 'manifest.yaml']);
  });

  it('prints one JSON object with --json: the model members and where the SIGNATURE went', async () => {
    const result = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml', '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      JobId: JOB_ID,
      JobType: 'Import',
      Signature: SIGNATURE,
      SignatureFileContents: SIGNATURE_FILE,
      ArtifactList: [],
      SignatureFilePath: join(dir, 'SIGNATURE'),
    });
  });

  it('prints the warning', async () => {
    stub.handlers.set('CreateJob', () => ({
      xml: createJobXml(JOB_ID, MANIFEST, 'Bucket name <photos> is odd.'),
    }));
    const result = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^warning {4}Bucket name <photos> is odd\.$/m);
  });

  it('writes to --signature-file PATH, and into a folder given as PATH', async () => {
    const file = join(dir, 'out', 'my-signature.txt');
    await mkdir(join(dir, 'out'));
    const result = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      'manifest.yaml',
      '--signature-file',
      'out/my-signature.txt',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote the SIGNATURE file to ${file}.`);
    expect(await readFile(file, 'utf8')).toBe(SIGNATURE_FILE);
    await expect(stat(join(dir, 'SIGNATURE'))).rejects.toThrow();

    const device = join(dir, 'device');
    await mkdir(device);
    const again = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      join(dir, 'manifest.yaml'),
      '--signature-file',
      device,
    );
    expect(again.code).toBe(0);
    expect(await readFile(join(device, 'SIGNATURE'), 'utf8')).toBe(SIGNATURE_FILE);
  });

  it('refuses to overwrite an existing file before any request, and replaces it with --force', async () => {
    const path = join(dir, 'SIGNATURE');
    const other = signatureFileOf('ABCDE', MANIFEST);
    await writeFile(path, other);
    const refused = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^InvalidParameterException: The parameter --signature-file /);
    expect(refused.stderr).toContain('the SIGNATURE of job ABCDE');
    expect(refused.stderr).toContain('--force');
    expect(stub.seen).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(other);

    await writeFile(path, 'my notes\n');
    const notes = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml');
    expect(notes.code).toBe(2);
    expect(notes.stderr).toContain('a file that is not a SIGNATURE');

    const forced = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml', '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(SIGNATURE_FILE);
  });

  it('with --validate-only checks the manifest and writes nothing', async () => {
    stub.handlers.set('CreateJob', () => ({ xml: validateOnlyXml('Device will be erased.') }));
    const result = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      'manifest.yaml',
      '--validate-only',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'The manifest is valid; no job was created (--validate-only).\nWarning: Device will be erased.\n',
    );
    expect(param(onlyRequest('CreateJob'), 'ValidateOnly')).toBe('true');
    expect(await readdir(dir)).toEqual(['manifest.yaml']);

    stub.reset();
    const json = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      'manifest.yaml',
      '--validate-only',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toEqual({ WarningMessage: '' });
  });

  it.each([
    [['--manifest', 'missing.yaml'], /--manifest .*there is no such file/i],
    [['--manifest', '.'], /--manifest .*is not a file/],
  ])('refuses %j with exit 2 before any request', async (args, message) => {
    const result = await run('create-job', '--job-type', 'Import', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^InvalidParameterException: /);
    expect(result.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(stub.seen).toEqual([]);
  });

  it('refuses a manifest over 1 MiB, and one that is not UTF-8, with exit 2', async () => {
    await writeFile(join(dir, 'big.yaml'), 'x'.repeat(1024 * 1024 + 1));
    const big = await run('create-job', '--job-type', 'Import', '--manifest', 'big.yaml');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/^InvalidParameterException: The parameter --manifest .*1048577 bytes.*1 MiB/);
    await writeFile(join(dir, 'exactly.yaml'), 'x'.repeat(1024 * 1024));
    await writeFile(join(dir, 'latin1.yaml'), Buffer.from([0x62, 0x75, 0x63, 0x6b, 0x65, 0x74, 0x3a, 0xe9]));
    const latin1 = await run('create-job', '--job-type', 'Import', '--manifest', 'latin1.yaml');
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toContain('is not UTF-8 text');
    expect(stub.seen).toEqual([]);
    const exactly = await run(
      'create-job',
      '--job-type',
      'Import',
      '--manifest',
      'exactly.yaml',
      '--validate-only',
    );
    expect(exactly.code).toBe(0);
    expect(stub.seen).toHaveLength(1);
  });

  it.each([
    [['--job-type', 'Imprt', '--manifest', 'manifest.yaml'], 'InvalidParameterException', '--job-type'],
    [['--manifest', 'manifest.yaml'], 'MissingParameterException', '--job-type'],
    [['--job-type', 'Import'], 'MissingParameterException', '--manifest'],
  ])('refuses %j with exit 2', async (args, code, parameter) => {
    const result = await run('create-job', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${code}: .*${parameter}`));
    expect(stub.seen).toEqual([]);
  });

  it('accepts file://FILE as the AWS CLI does, and Export in any case', async () => {
    const result = await run(
      'create-job',
      '--job-type',
      'EXPORT',
      '--manifest',
      `file://${join(dir, 'manifest.yaml')}`,
      '--validate-only',
    );
    expect(result.code).toBe(0);
    expect(param(onlyRequest('CreateJob'), 'JobType')).toBe('Export');
  });

  it('prints the server error as its catalog code on stderr with exit 1, and writes nothing', async () => {
    stub.handlers.set('CreateJob', () => ({
      status: 400,
      xml: errorXml('MissingManifestFieldException', 'The manifest is missing the field returnAddress.city.'),
    }));
    const result = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'MissingManifestFieldException: The manifest is missing the field returnAddress.city.\n' +
        `Recommended action: ${entryOf('MissingManifestFieldException').action}\n`,
    );
    expect(await readdir(dir)).toEqual(['manifest.yaml']);
  });

  it('renders the error as one JSON object on stderr with --json', async () => {
    stub.handlers.set('CreateJob', () => ({
      status: 400,
      xml: errorXml('CreateJobQuotaExceededException', 'You have created 50 jobs today.'),
    }));
    const result = await run('create-job', '--job-type', 'Import', '--manifest', 'manifest.yaml', '--json');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'CreateJobQuotaExceededException',
        message: 'You have created 50 jobs today.',
        action: expect.any(String),
      },
    });
  });
});

describe('get-status', () => {
  it('prints every member of GetStatusResult', async () => {
    const result = await run('get-status', '--job-id', 'k7m2p');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(param(onlyRequest('GetStatus'), 'JobId')).toBe(JOB_ID);
    const manifest = MANIFEST.trimEnd()
      .split('\n')
      .map((line) => `  ${line}`);
    expect(result.stdout).toBe(
      [
        'job ID           K7M2P',
        'job type         Import',
        'location         Returned: The device was sent back with UPS; tracking number 1Z999AA10123456784.',
        'progress         SuccessWithErrors: The load finished, but 2 file(s) failed; the import log lists them.',
        'created          2026-03-02T10:00:00Z',
        'carrier          UPS',
        'tracking number  1Z999AA10123456784',
        'log              s3://photos/import-log-K7M2P.csv',
        'errors           2',
        `signature        ${SIGNATURE}`,
        'artifact         Import log: s3://photos/import-log-K7M2P.csv',
        '',
        'SIGNATURE file:',
        '  version:2.0',
        '  signingMethod:HmacSHA256',
        '  jobId:K7M2P',
        `  signature:${SIGNATURE}`,
        '',
        'current manifest:',
        ...manifest,
        '',
      ].join('\n'),
    );
  });

  it('shows "-" for members a fresh job does not have yet', async () => {
    const { Carrier, TrackingNumber, LogBucket, LogKey, ...fresh } = GET_STATUS_FIELDS;
    void [Carrier, TrackingNumber, LogBucket, LogKey];
    stub.handlers.set('GetStatus', () => ({ xml: getStatusXml({ ...fresh, ErrorCount: 0 }) }));
    const result = await run('get-status', '--job-id', JOB_ID);
    expect(result.stdout).toMatch(/^carrier +-$/m);
    expect(result.stdout).toMatch(/^tracking number +-$/m);
    expect(result.stdout).toMatch(/^log +-$/m);
    expect(result.stdout).toMatch(/^errors +0$/m);
  });

  it('prints the GetStatusResult members as one JSON object with --json', async () => {
    const result = await run('get-status', '--job-id', JOB_ID, '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      ...GET_STATUS_FIELDS,
      ArtifactList: [{ Description: 'Import log', URL: 's3://photos/import-log-K7M2P.csv' }],
    });
  });

  it.each(['K7M2O', 'K7M2', 'K7M2PP', 'K7-2P', 'K7M20', ''])(
    'refuses the job ID %j with exit 2 before any request',
    async (jobId) => {
      const result = await run('get-status', '--job-id', jobId);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^InvalidParameterException: The parameter --job-id /);
      expect(stub.seen).toEqual([]);
    },
  );

  it("prints the server's InvalidJobIdException with exit 1", async () => {
    const result = await run('get-status', '--job-id', 'ZZZZZ');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidJobIdException: The job ID was not found\.\n/);
  });
});

describe('list-jobs', () => {
  it('prints one JOBS line per job, as the AWS CLI text output does', async () => {
    const result = await run('list-jobs');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'JOBS\t2026-03-02T10:00:00Z\tFalse\tK7M2P\tImport\nJOBS\t2015-05-27T18:58:21Z\tTrue\tEX1ID\tExport\n',
    );
    expect(onlyRequest('ListJobs').params).toEqual([
      ['Action', 'ListJobs'],
      ['Version', '2010-06-01'],
    ]);
  });

  it('sends --max-jobs and --marker, and says how to get the next page', async () => {
    stub.handlers.set('ListJobs', () => ({ xml: listJobsXml(true, LISTED_JOBS.slice(0, 1)) }));
    const result = await run('list-jobs', '--max-jobs', '1', '--marker', 'abcde');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'JOBS\t2026-03-02T10:00:00Z\tFalse\tK7M2P\tImport\nMore jobs follow: longshore list-jobs --marker K7M2P\n',
    );
    const request = onlyRequest('ListJobs');
    expect(param(request, 'MaxJobs')).toBe('1');
    expect(param(request, 'Marker')).toBe('ABCDE');
  });

  it('prints the ListJobsResult as one JSON object with --json', async () => {
    const result = await run('list-jobs', '--json');
    expect(JSON.parse(result.stdout)).toEqual({ Jobs: LISTED_JOBS, IsTruncated: false });
  });

  it('says so when there are no jobs', async () => {
    stub.handlers.set('ListJobs', () => ({ xml: listJobsXml(false, []) }));
    const result = await run('list-jobs');
    expect(result.stdout).toBe('No jobs.\n');
    const json = await run('list-jobs', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ Jobs: [], IsTruncated: false });
  });

  it.each([
    ['--max-jobs', '1001'],
    ['--max-jobs', '-1'],
    ['--max-jobs', 'abc'],
    ['--max-jobs', '1.5'],
    ['--marker', 'NOPE0'],
  ])('refuses %s %j with exit 2 before any request', async (flag, value) => {
    const result = await run('list-jobs', flag, value);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^InvalidParameterException: The parameter ${flag} `));
    expect(stub.seen).toEqual([]);
  });

  it('accepts --max-jobs 0 and 1000', async () => {
    expect((await run('list-jobs', '--max-jobs', '0')).code).toBe(0);
    expect((await run('list-jobs', '--max-jobs', '1000')).code).toBe(0);
    expect(stub.seen.map((r) => param(r, 'MaxJobs'))).toEqual(['0', '1000']);
  });
});

describe('cancel-job', () => {
  it('cancels and says so; --json prints the CancelJobResult', async () => {
    const result = await run('cancel-job', '--job-id', JOB_ID);
    expect(result).toEqual({ code: 0, stdout: 'Canceled job K7M2P.\n', stderr: '' });
    expect(param(onlyRequest('CancelJob'), 'JobId')).toBe(JOB_ID);
    const json = await run('cancel-job', '--job-id', JOB_ID, '--json');
    expect(JSON.parse(json.stdout)).toEqual({ Success: true });
  });

  it.each([
    ['CanceledJobIdException', 'The job K7M2P was canceled.'],
    ['UnableToCancelJobIdException', 'The job has already finished, so it cannot be canceled.'],
    ['ExpiredJobIdException', 'The job K7M2P has expired.'],
  ])('prints %s from the server with exit 1', async (code, message) => {
    stub.handlers.set('CancelJob', () => ({ status: 400, xml: errorXml(code, message) }));
    const result = await run('cancel-job', '--job-id', JOB_ID);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(
      new RegExp(`^${code}: ${message.replace(/\./g, '\\.')}\nRecommended action: `),
    );
  });

  it('treats Success=false as UnableToCancelJobIdException', async () => {
    stub.handlers.set('CancelJob', () => ({ xml: cancelJobXml(false) }));
    const result = await run('cancel-job', '--job-id', JOB_ID);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^UnableToCancelJobIdException: /);
  });
});

describe('update-job', () => {
  const NEW_MANIFEST = `${MANIFEST}notificationEmail: jane@example.com\n`;

  beforeEach(async () => {
    await writeFile(join(dir, 'new.yaml'), NEW_MANIFEST);
    // After the update, GetStatus returns the new SIGNATURE (DECISIONS §3).
    const updated = {
      ...GET_STATUS_FIELDS,
      Signature: signatureOf(JOB_ID, NEW_MANIFEST),
      SignatureFileContents: signatureFileOf(JOB_ID, NEW_MANIFEST),
      CurrentManifest: NEW_MANIFEST,
    };
    stub.handlers.set('GetStatus', () => ({ xml: getStatusXml(updated) }));
  });

  it("replaces the manifest and the job's old SIGNATURE file with the new one", async () => {
    await writeFile(join(dir, 'SIGNATURE'), SIGNATURE_FILE);
    const result = await run(
      'update-job',
      '--job-id',
      JOB_ID,
      '--manifest',
      'new.yaml',
      '--job-type',
      'Import',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const path = join(dir, 'SIGNATURE');
    expect(result.stdout).toBe(
      [
        'Updated job K7M2P.',
        'Warning: **** Device will be erased before being returned. ****',
        `Wrote the new SIGNATURE file to ${path}; the old one is no longer valid.`,
        'Copy it to the root of the device before you ship the device.',
        '',
      ].join('\n'),
    );
    expect(await readFile(path, 'utf8')).toBe(signatureFileOf(JOB_ID, NEW_MANIFEST));
    expect(stub.seen.map((r) => r.action)).toEqual(['UpdateJob', 'GetStatus']);
    expect(stub.seen.every((r) => r.verified)).toBe(true);
    expect(stub.seen[0]!.params).toEqual([
      ['Action', 'UpdateJob'],
      ['Version', '2010-06-01'],
      ['JobId', JOB_ID],
      ['Manifest', NEW_MANIFEST],
      ['JobType', 'Import'],
      ['ValidateOnly', 'false'],
    ]);
  });

  it("keeps the job's type when --job-type is not given, and prints JSON with --json", async () => {
    const result = await run('update-job', '--job-id', 'k7m2p', '--manifest', 'new.yaml', '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(stub.seen.map((r) => r.action)).toEqual(['GetStatus', 'UpdateJob', 'GetStatus']);
    expect(param(stub.seen[1]!, 'JobType')).toBe('Import');
    expect(JSON.parse(result.stdout)).toEqual({
      Success: true,
      WarningMessage: '**** Device will be erased before being returned. ****',
      ArtifactList: [],
      JobId: JOB_ID,
      SignatureFileContents: signatureFileOf(JOB_ID, NEW_MANIFEST),
      SignatureFilePath: join(dir, 'SIGNATURE'),
    });
  });

  it("refuses to replace another job's SIGNATURE before any request", async () => {
    await writeFile(join(dir, 'SIGNATURE'), signatureFileOf('ABCDE', MANIFEST));
    const result = await run(
      'update-job',
      '--job-id',
      JOB_ID,
      '--manifest',
      'new.yaml',
      '--job-type',
      'Import',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the SIGNATURE of job ABCDE');
    expect(stub.seen).toEqual([]);
  });

  it('with --validate-only changes nothing and writes nothing', async () => {
    const result = await run(
      'update-job',
      '--job-id',
      JOB_ID,
      '--manifest',
      'new.yaml',
      '--job-type',
      'import',
      '--validate-only',
    );
    expect(result.stdout).toBe(
      'The manifest is valid; job K7M2P was not changed (--validate-only).\n' +
        'Warning: **** Device will be erased before being returned. ****\n',
    );
    expect(param(onlyRequest('UpdateJob'), 'ValidateOnly')).toBe('true');
    expect((await readdir(dir)).sort()).toEqual(['manifest.yaml', 'new.yaml']);
  });

  it('prints UnableToUpdateJobIdException from the server with exit 1', async () => {
    stub.handlers.set('UpdateJob', () => ({
      status: 400,
      xml: errorXml('UnableToUpdateJobIdException', 'Loading has started; the job can no longer be updated.'),
    }));
    const result = await run(
      'update-job',
      '--job-id',
      JOB_ID,
      '--manifest',
      'new.yaml',
      '--job-type',
      'Import',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^UnableToUpdateJobIdException: Loading has started/);
    expect(await readdir(dir)).not.toContain('SIGNATURE');
  });

  it('needs --job-id and --manifest', async () => {
    expect((await run('update-job', '--manifest', 'new.yaml')).stderr).toMatch(
      /^MissingParameterException: .*--job-id/,
    );
    expect((await run('update-job', '--job-id', JOB_ID)).stderr).toMatch(
      /^MissingParameterException: .*--manifest/,
    );
    expect(stub.seen).toEqual([]);
  });
});

describe('get-shipping-label', () => {
  const PDF = new Uint8Array(Buffer.from('%PDF-1.7\n% a label\n%%EOF\n', 'latin1'));

  it('sends jobIds.member.N and the address, and prints the URL', async () => {
    const result = await run(
      'get-shipping-label',
      '--job-ids',
      'k7m2p,abcde',
      '--job-ids',
      'K7M2P,X2345',
      '--name',
      'Jane Roe',
      '--company',
      'Example Corp.',
      '--phone-number',
      '206-555-1111',
      '--country',
      'USA',
      '--state-or-province',
      'WA',
      '--city',
      'Anytown',
      '--postal-code',
      '91011-1111',
      '--street1',
      '123 Any Street',
      '--street2',
      'Suite 4',
    );
    expect(result).toEqual({ code: 0, stdout: 'https://labels.invalid/label.pdf\n', stderr: '' });
    expect(onlyRequest('GetShippingLabel').params).toEqual([
      ['Action', 'GetShippingLabel'],
      ['Version', '2010-06-01'],
      ['jobIds.member.1', 'K7M2P'],
      ['jobIds.member.2', 'ABCDE'],
      ['jobIds.member.3', 'X2345'],
      ['name', 'Jane Roe'],
      ['company', 'Example Corp.'],
      ['phoneNumber', '206-555-1111'],
      ['country', 'USA'],
      ['stateOrProvince', 'WA'],
      ['city', 'Anytown'],
      ['postalCode', '91011-1111'],
      ['street1', '123 Any Street'],
      ['street2', 'Suite 4'],
    ]);
  });

  it('downloads the PDF with --output and prints the warning; --json gives one object', async () => {
    stub.labels.set('K7M2P.pdf', PDF);
    const url = `${stub.url}/labels/K7M2P.pdf`;
    stub.handlers.set('GetShippingLabel', () => ({ xml: shippingLabelXml(url, 'No street2 given.') }));
    const result = await run('get-shipping-label', '--job-ids', JOB_ID, '--output', 'label.pdf');
    const path = join(dir, 'label.pdf');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${url}\nWarning: No street2 given.\nSaved the shipping label to ${path}.\n`);
    expect(new Uint8Array(await readFile(path))).toEqual(PDF);

    const json = await run('get-shipping-label', '--job-ids', JOB_ID, '--output', dir, '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      ShippingLabelURL: url,
      Warning: 'No street2 given.',
      LabelFilePath: join(dir, 'shipping-label-K7M2P.pdf'),
    });
    expect(new Uint8Array(await readFile(join(dir, 'shipping-label-K7M2P.pdf')))).toEqual(PDF);
  });

  it('reports a label URL that gives no PDF', async () => {
    stub.handlers.set('GetShippingLabel', () => ({ xml: shippingLabelXml(`${stub.url}/labels/none.pdf`) }));
    const result = await run('get-shipping-label', '--job-ids', JOB_ID, '--output', 'label.pdf');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidJobIdException: No such label\./);
    expect(await readdir(dir)).toEqual(['manifest.yaml']);
  });

  it('prints InvalidAddressException from the server with exit 1', async () => {
    stub.handlers.set('GetShippingLabel', () => ({
      status: 400,
      xml: errorXml('InvalidAddressException', 'The address is missing city.'),
    }));
    const result = await run('get-shipping-label', '--job-ids', JOB_ID);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidAddressException: The address is missing city\./);
  });

  it.each([
    [['--job-ids', 'K7M2P,NOPE'], /^InvalidParameterException: The parameter --job-ids /],
    [[], /^MissingParameterException: .*--job-ids/],
    [['--job-ids', JOB_ID, '--name', '  '], /^InvalidParameterException: The parameter --name /],
    [
      ['--job-ids', JOB_ID, '--output', 'no/such/folder/label.pdf'],
      /^InvalidParameterException: The parameter --output /,
    ],
  ])('refuses %j with exit 2 before any request', async (args, message) => {
    const result = await run('get-shipping-label', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(stub.seen).toEqual([]);
  });
});

describe('help', () => {
  it('lists the customer options with their variables', async () => {
    const result = await run('create-job', '--help');
    expect(result.code).toBe(0);
    for (const text of [
      '--endpoint-url <URL>',
      'LONGSHORE_ENDPOINT',
      '--profile <NAME>',
      '--signing-region',
      '--json',
      '--signature-file',
      '--force',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).not.toContain('LONGSHORE_ENDPOINT_URL');
  });
});
