import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { CATALOG } from '../../../src/catalog/index.js';
import type { ServeConfig } from '../../../src/config/index.js';
import { startAdminServer, TEST_TOKEN, type TestAdminServer } from '../admin/admin-server.js';
import { captureIo } from './capture-io.js';

// The lead's server is not started here: `serve` is checked up to the call of runServe.
const served: ServeConfig[] = [];
vi.mock('../../../src/cli/server.js', () => ({
  runServe: async (config: ServeConfig) => {
    served.push(config);
  },
}));

let server: TestAdminServer;
let dataDir: string;
beforeAll(async () => {
  server = await startAdminServer();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(env, dataDir);
  const code = await main(['node', 'longshore', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const adminEnv = () => ({ LONGSHORE_SERVER: server.url, LONGSHORE_ADMIN_TOKEN: TEST_TOKEN });

describe('usage errors exit with 2', () => {
  it.each([
    [['frob'], 'InvalidParameterException', 'COMMAND'],
    [['serve', '--bogus'], 'InvalidParameterException', '--bogus'],
    [['serve', '--port'], 'MissingParameterException', '--port'],
    [['admin'], 'MissingParameterException', 'COMMAND'],
    [['admin', 'account', 'create'], 'MissingParameterException', '--email'],
    [['admin', 'account', 'create', '--email', 'not-an-address'], 'InvalidParameterException', '--email'],
    [
      ['admin', 'account', 'create', '--email', 'a@example.com', '--name', ''],
      'InvalidParameterException',
      '--name',
    ],
    [['admin', 'account', 'update', 'lowercase'], 'InvalidParameterException', 'ACCESS_KEY_ID'],
    [['admin', 'account', 'update', 'LSIA0000000000000001'], 'MissingParameterException', '--problem'],
    [
      ['admin', 'account', 'update', 'LSIA0000000000000001', '--signed-up', '--not-signed-up'],
      'InvalidParameterException',
      '--signed-up',
    ],
    [
      ['admin', 'bucket', 'create', 'Bad_Bucket', '--owner', 'LSIA0000000000000001'],
      'InvalidParameterException',
      'NAME',
    ],
    [['admin', 'bucket', 'create', 'good-bucket'], 'MissingParameterException', '--owner'],
    [['admin', 'bucket', 'grant', 'good-bucket', '--to', 'short'], 'InvalidParameterException', '--to'],
    [['admin', 'bucket', 'list', 'extra'], 'InvalidParameterException', 'arguments'],
    [
      ['station', 'load', '--job-id', 'K7M2P', '--concurrency', '0'],
      'InvalidParameterException',
      '--concurrency',
    ],
    [
      ['station', 'load', '--job-id', 'K7M2P', '--concurrency', '1025'],
      'InvalidParameterException',
      '--concurrency.*from 1 to 1024',
    ],
    [
      ['station', 'load', '--job-id', 'K7M2P', '--stream-put-max', '5121'],
      'InvalidParameterException',
      '--stream-put-max.*from 0 to 5120',
    ],
    [['codes', '--markdown'], 'InvalidParameterException', '--markdown', { LONGSHORE_JSON: '1' }],
  ])('longshore %j -> %s', async (args, code, parameter, env?: Record<string, string>) => {
    const result = await run(args, env ?? adminEnv());
    if (env?.LONGSHORE_JSON) {
      expect(result.code).toBe(0); // an explicit --markdown wins over LONGSHORE_JSON
      return;
    }
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${code}: .*${parameter.replace(/[|-]/g, '\\$&')}`, 'm'));
    expect(result.stderr).toMatch(/^Recommended action: /m);
    expect(server.accounts.calls).toEqual([]);
  });

  it('refuses --json with --markdown', async () => {
    const result = await run(['codes', '--json', '--markdown']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'InvalidParameterException' } });
  });

  it('renders a usage error as one JSON object with --json', async () => {
    const result = await run(['admin', 'account', 'create', '--email', 'bad', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'InvalidParameterException',
        message: expect.stringContaining('--email'),
        action: expect.any(String),
      },
    });
  });

  it('help and version succeed', async () => {
    expect((await run(['--help'])).code).toBe(0);
    expect((await run(['admin', 'bucket', '--help'])).stdout).toContain('grant');
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });
});

describe('serve', () => {
  it('resolves the ServeConfig from flags and environment and calls runServe', async () => {
    served.length = 0;
    const result = await run(['serve', '--port', '9999', '--data-dir', 'state'], {
      LONGSHORE_SMTP_PORT: '2626',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(served).toHaveLength(1);
    expect(served[0]).toMatchObject({ port: 9999, smtpPort: 2626, dataDir: join(dataDir, 'state') });
  });

  it('refuses an invalid option with exit 1 and InvalidConfiguration, before starting', async () => {
    served.length = 0;
    const result = await run(['serve'], { LONGSHORE_PORT: 'abc' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'InvalidConfiguration: The option --port (LONGSHORE_PORT) is not valid: must be an integer from 1 to 65535, got "abc".',
    );
    expect(served).toEqual([]);
  });

  it('renders the S3 rule with --json as one JSON object', async () => {
    const result = await run(['serve', '--json', '--s3-endpoint', 'http://127.0.0.1:9000']);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('InvalidConfiguration');
    expect(error.message).toContain('--s3-access-key-id (LONGSHORE_S3_ACCESS_KEY_ID)');
  });
});

describe('codes', () => {
  it('--json lists every code as one JSON object', async () => {
    const result = await run(['codes', '--json']);
    expect(result.code).toBe(0);
    const { codes } = JSON.parse(result.stdout) as { codes: { code: string }[] };
    expect(codes.map((c) => c.code).sort()).toEqual(Object.keys(CATALOG).sort());
  });

  it('prints a text table by default and Markdown on request', async () => {
    expect((await run(['codes'])).stdout).toMatch(/^CODE +HTTP/);
    expect((await run(['codes', '--markdown'])).stdout).toMatch(/^# Longshore codes/);
  });
});

describe('admin commands against a running admin API', () => {
  it('creates an account and prints keys a user can paste', async () => {
    const result = await run(
      [
        'admin',
        'account',
        'create',
        '--email',
        'one@example.com',
        '--email',
        'two@example.com',
        '--name',
        'Acme',
      ],
      adminEnv(),
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^AWS_ACCESS_KEY_ID=[A-Z0-9]{20}$/m);
    expect(result.stdout).toMatch(/^AWS_SECRET_ACCESS_KEY=\S+$/m);
    expect(result.stdout).toContain('one@example.com, two@example.com');
    expect(server.accounts.calls.at(-1)).toEqual({
      method: 'createAccount',
      args: [{ emails: ['one@example.com', 'two@example.com'], name: 'Acme', signedUp: true }],
    });
  });

  it('prints one JSON object with --json, reading the token from <data-dir>/admin-token', async () => {
    await writeFile(join(dataDir, 'admin-token'), `${TEST_TOKEN}\n`);
    const result = await run(
      [
        'admin',
        'account',
        'create',
        '--email',
        'x@example.com',
        '--not-signed-up',
        '--json',
        '--data-dir',
        dataDir,
      ],
      { LONGSHORE_SERVER: server.url },
    );
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as {
      accessKeyId: string;
      secretAccessKey: string;
      account: { signedUp: boolean };
    };
    expect(created.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(created.account.signedUp).toBe(false);
  });

  it('updates accounts, creates and grants buckets, lists both', async () => {
    const owner = /AWS_ACCESS_KEY_ID=(\S+)/.exec(
      (await run(['admin', 'account', 'create', '--email', 'o@example.com'], adminEnv())).stdout,
    )![1]!;
    const other = /AWS_ACCESS_KEY_ID=(\S+)/.exec(
      (await run(['admin', 'account', 'create', '--email', 'p@example.com'], adminEnv())).stdout,
    )![1]!;

    const updated = await run(
      ['admin', 'account', 'update', owner, '--problem', '--not-signed-up', '--json'],
      adminEnv(),
    );
    expect(JSON.parse(updated.stdout)).toMatchObject({
      account: { accessKeyId: owner, problem: true, signedUp: false },
    });
    const cleared = await run(['admin', 'account', 'update', owner, '--no-problem'], adminEnv());
    expect(cleared.stdout).toMatch(/problem +no/);
    await run(['admin', 'account', 'update', owner, '--signed-up'], adminEnv());
    expect(server.accounts.calls.at(-1)).toEqual({
      method: 'updateAccount',
      args: [owner, { signedUp: true }],
    });

    expect((await run(['admin', 'bucket', 'create', 'cli-photos', '--owner', owner], adminEnv())).code).toBe(
      0,
    );
    const granted = await run(
      ['admin', 'bucket', 'grant', 'cli-photos', '--to', other, '--json'],
      adminEnv(),
    );
    expect(JSON.parse(granted.stdout)).toMatchObject({
      bucket: { name: 'cli-photos', owner, grants: [other] },
    });

    const accounts = await run(['admin', 'account', 'list'], adminEnv());
    expect(accounts.stdout).toContain(owner);
    const buckets = await run(['admin', 'bucket', 'list', '--json'], adminEnv());
    expect(
      (JSON.parse(buckets.stdout) as { buckets: { name: string }[] }).buckets.map((b) => b.name),
    ).toContain('cli-photos');
  });

  it("prints the server's error with exit 1", async () => {
    const result = await run(
      ['admin', 'bucket', 'grant', 'nope-bucket', '--to', 'LSIA0000000000000999'],
      adminEnv(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidClientTokenId: /);
    const wrongToken = await run(['admin', 'account', 'list', '--json', '--admin-token', 'x'.repeat(24)], {
      LONGSHORE_SERVER: server.url,
    });
    expect(wrongToken.code).toBe(1);
    expect((JSON.parse(wrongToken.stderr) as { error: { code: string } }).error.code).toBe(
      'InvalidAdminToken',
    );
  });

  it('reports a server that is not there as ServerUnreachable', async () => {
    const result = await run(['admin', 'account', 'list'], {
      LONGSHORE_SERVER: 'http://127.0.0.1:1',
      LONGSHORE_ADMIN_TOKEN: TEST_TOKEN,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ServerUnreachable: Could not reach the Longshore server at http:\/\/127\.0\.0\.1:1\./,
    );
  });
});
