import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_KEY, GOLDEN, SECRET_KEY } from './golden.js';
import { customerEnv, runCli, workDir } from './helpers.js';
import { startStubApi, type StubApi } from './stub-api.js';

// Where the customer commands find credentials, region and endpoint, checked against the stub
// API (stub-api.ts), which verifies every SigV4 signature with botocore.

const PROFILE_KEY = 'LSIA0000000000000002';
const PROFILE_SECRET = 'profile+secret/0123456789abcdefghijklmnopq';
const DEFAULT_KEY = 'LSIA0000000000000003';
const DEFAULT_SECRET = 'default-secret-0123456789abcdefghijklmnop';
const TEMP_KEY = 'ASIA0000000000000004';
const TEMP_SECRET = 'temporary-secret-0123456789abcdefghijklm';
const TOKEN = 'FwoGZXIvYXdzEBYaDH+session/token==';

let stub: StubApi;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  stub = await startStubApi(GOLDEN);
  stub.keys.set(ACCESS_KEY, { secret: SECRET_KEY });
  stub.keys.set(PROFILE_KEY, { secret: PROFILE_SECRET });
  stub.keys.set(DEFAULT_KEY, { secret: DEFAULT_SECRET });
  stub.keys.set(TEMP_KEY, { secret: TEMP_SECRET, sessionToken: TOKEN });
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

/** Shared credentials and config files as `aws configure` writes them. */
async function writeProfiles(): Promise<void> {
  await writeFile(
    join(dir, 'aws-credentials'),
    `[default]
aws_access_key_id = ${DEFAULT_KEY}
aws_secret_access_key = ${DEFAULT_SECRET}

[ops]
aws_access_key_id = ${PROFILE_KEY}
aws_secret_access_key = ${PROFILE_SECRET}
`,
  );
  await writeFile(
    join(dir, 'aws-config'),
    `[default]
region = eu-central-1

[profile ops]
region = eu-west-1
`,
  );
}

/** Runs list-jobs with the given environment (undefined removes a variable of customerEnv). */
async function listJobs(env: Record<string, string | undefined>, ...args: string[]) {
  return runCli(['list-jobs', ...args], customerEnv(stub.url, dir, env), dir);
}

function signer() {
  expect(stub.seen).toHaveLength(1);
  const request = stub.seen[0]!;
  expect(request.verified).toBe(true);
  return { key: request.accessKeyId, region: request.region, service: request.service };
}

const NO_KEYS = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

describe('credentials', () => {
  it('signs with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment', async () => {
    const result = await listJobs({});
    expect(result.code).toBe(0);
    expect(signer()).toEqual({ key: ACCESS_KEY, region: 'us-east-1', service: 'importexport' });
  });

  it('sends and signs AWS_SESSION_TOKEN as X-Amz-Security-Token', async () => {
    const result = await listJobs({
      AWS_ACCESS_KEY_ID: TEMP_KEY,
      AWS_SECRET_ACCESS_KEY: TEMP_SECRET,
      AWS_SESSION_TOKEN: TOKEN,
    });
    expect(result.code).toBe(0);
    expect(signer().key).toBe(TEMP_KEY);
    expect(stub.seen[0]!.signedHeaders).toContain('x-amz-security-token');
  });

  it('signs with --profile from AWS_SHARED_CREDENTIALS_FILE, in the region of AWS_CONFIG_FILE', async () => {
    await writeProfiles();
    const result = await listJobs(NO_KEYS, '--profile', 'ops');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(signer()).toEqual({ key: PROFILE_KEY, region: 'eu-west-1', service: 'importexport' });
  });

  it('--profile wins over the keys in the environment, as in the AWS CLI', async () => {
    await writeProfiles();
    const result = await listJobs({}, '--profile', 'ops');
    expect(result.code).toBe(0);
    expect(signer().key).toBe(PROFILE_KEY);
  });

  it('uses AWS_PROFILE when the environment has no keys, and the keys when it has', async () => {
    await writeProfiles();
    expect((await listJobs({ ...NO_KEYS, AWS_PROFILE: 'ops' })).code).toBe(0);
    expect(signer().key).toBe(PROFILE_KEY);
    stub.reset();
    expect((await listJobs({ AWS_PROFILE: 'ops' })).code).toBe(0);
    expect(signer().key).toBe(ACCESS_KEY);
  });

  it('falls back to the default profile', async () => {
    await writeProfiles();
    const result = await listJobs(NO_KEYS);
    expect(result.code).toBe(0);
    expect(signer()).toEqual({ key: DEFAULT_KEY, region: 'eu-central-1', service: 'importexport' });
  });

  it('reports missing credentials as MissingAuthenticationToken before any request', async () => {
    const result = await listJobs(NO_KEYS);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^MissingAuthenticationToken: /);
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(result.stderr).toContain(join(dir, 'aws-credentials'));
    expect(stub.seen).toEqual([]);
  });

  it('reports an unknown --profile as InvalidConfiguration naming it', async () => {
    await writeProfiles();
    const result = await listJobs({}, '--profile', 'nobody');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^InvalidConfiguration: The option --profile \(LONGSHORE_PROFILE\) is not valid: the profile "nobody"/,
    );
    expect(stub.seen).toEqual([]);
  });

  it('reports half a key pair as InvalidConfiguration', async () => {
    const result = await listJobs({ AWS_SECRET_ACCESS_KEY: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidConfiguration: The option AWS_SECRET_ACCESS_KEY is not valid/);
    expect(stub.seen).toEqual([]);
  });

  it("prints the server's SignatureDoesNotMatch and InvalidClientTokenId", async () => {
    const wrong = await listJobs({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^SignatureDoesNotMatch: The signature does not match\.\n/);
    expect(stub.seen[0]!.verified).toBe(false);
    const unknown = await listJobs({ AWS_ACCESS_KEY_ID: 'LSIA9999999999999999' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^InvalidClientTokenId: The key is not known here\.\n/);
  });
});

describe('signing region', () => {
  it('takes --signing-region, then LONGSHORE_SIGNING_REGION, AWS_REGION, AWS_DEFAULT_REGION', async () => {
    await writeProfiles();
    const cases: [Record<string, string | undefined>, string[], string][] = [
      [
        { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' },
        ['--signing-region', 'us-west-2'],
        'us-west-2',
      ],
      [{ LONGSHORE_SIGNING_REGION: 'ca-central-1', AWS_REGION: 'ap-south-1' }, [], 'ca-central-1'],
      [{ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' }, [], 'ap-south-1'],
      [{ AWS_DEFAULT_REGION: 'sa-east-1' }, [], 'sa-east-1'],
      [{ AWS_CONFIG_FILE: join(dir, 'none') }, [], 'us-east-1'],
    ];
    for (const [env, args, region] of cases) {
      stub.reset();
      expect((await listJobs(env, ...args)).code).toBe(0);
      expect(signer().region).toBe(region);
    }
  });

  it('refuses a malformed --signing-region', async () => {
    const result = await listJobs({}, '--signing-region', 'Mars');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^InvalidConfiguration: The option --signing-region \(LONGSHORE_SIGNING_REGION\)/,
    );
  });
});

describe('endpoint', () => {
  it('--endpoint-url wins over LONGSHORE_ENDPOINT', async () => {
    const result = await runCli(
      ['list-jobs', '--endpoint-url', `${stub.url}/`],
      customerEnv('http://127.0.0.1:1', dir),
      dir,
    );
    expect(result.code).toBe(0);
    expect(stub.seen).toHaveLength(1);
  });

  it('refuses an endpoint that is not an http(s) URL', async () => {
    const result = await runCli(['list-jobs'], customerEnv('ftp://example.org', dir), dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidConfiguration: The option --endpoint-url \(LONGSHORE_ENDPOINT\)/);
  });

  it('reports ServerUnreachable when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const result = await runCli(['get-status', '--job-id', 'K7M2P'], customerEnv(endpoint, dir), dir);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(
      new RegExp(`^ServerUnreachable: Could not reach the Longshore server at ${endpoint}\\. .*ECONNREFUSED`),
    );
    expect(result.stderr).toContain('--endpoint-url (LONGSHORE_ENDPOINT)');
    const json = await runCli(['list-jobs', '--json'], customerEnv(endpoint, dir), dir);
    expect(JSON.parse(json.stderr).error.code).toBe('ServerUnreachable');
  });

  it('reports an answer that is not from the Import/Export API as InternalError', async () => {
    const result = await runCli(['list-jobs'], customerEnv(`${stub.url}/elsewhere`, dir), dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^InternalError: .*answered HTTP 404 with a body that is not an Import\/Export API/,
    );
  });
});
