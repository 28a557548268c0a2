import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signatureFileContents } from '../../../src/jobs/index.js';
import { startAdminServer, TEST_TOKEN, type TestAdminServer } from './admin-server.js';

let server: TestAdminServer;
beforeAll(async () => {
  server = await startAdminServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.accounts.accounts.clear();
  server.accounts.buckets.clear();
  server.accounts.calls.length = 0;
  server.jobs.clear();
});

async function call(method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}/admin/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  // The tests read arbitrary response JSON; `any` keeps the assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: JSON.parse(text) as Record<string, any> };
}

async function newAccount(): Promise<string> {
  const { body } = await call('POST', '/accounts', { emails: ['owner@example.com'] });
  return body.accessKeyId as string;
}

describe('admin API authentication', () => {
  it('serves /health without a token', async () => {
    expect(await call('GET', '/health', undefined, null)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong token of another length', 'short'],
    ['a wrong token of the same length', TEST_TOKEN.replace(/.$/, 'X')],
  ])('refuses %s with 401 InvalidAdminToken', async (_label, token) => {
    const { status, body } = await call('GET', '/accounts', undefined, token);
    expect(status).toBe(401);
    expect(body.error.code).toBe('InvalidAdminToken');
    expect(body.error.message).toMatch(/token/);
    expect(body.error.action).toMatch(/LONGSHORE_ADMIN_TOKEN/);
    expect(server.accounts.calls).toEqual([]);
  });

  it('names the Bearer scheme in WWW-Authenticate', async () => {
    const response = await fetch(`${server.url}/admin/v1/accounts`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a token given with another scheme', async () => {
    const response = await fetch(`${server.url}/admin/v1/accounts`, {
      headers: { authorization: `Basic ${TEST_TOKEN}` },
    });
    expect(response.status).toBe(401);
  });

  it('checks the token before the body', async () => {
    const { status, body } = await call('POST', '/accounts', { bogus: 1 }, 'wrong-token-wrong-token');
    expect(status).toBe(401);
    expect(body.error.code).toBe('InvalidAdminToken');
  });
});

describe('admin API accounts', () => {
  it('creates an account: 201 with the keys and the account', async () => {
    const { status, body } = await call('POST', '/accounts', {
      emails: ['A@Example.com'],
      name: 'Acme',
      signedUp: false,
    });
    expect(status).toBe(201);
    expect(body.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(body.secretAccessKey).toEqual(expect.any(String));
    expect(body.account).toEqual({
      accessKeyId: body.accessKeyId,
      name: 'Acme',
      emails: ['a@example.com'],
      signedUp: false,
      problem: false,
      createdAt: '2024-05-01T12:00:00.000Z',
    });
  });

  it('never sends fields outside the response schema', async () => {
    await call('POST', '/accounts', { emails: ['a@example.com'] });
    const { body } = await call('GET', '/accounts');
    expect(Object.keys(body.accounts[0]).sort()).toEqual([
      'accessKeyId',
      'createdAt',
      'emails',
      'name',
      'problem',
      'signedUp',
    ]);
  });

  it('updates and lists accounts', async () => {
    const id = await newAccount();
    const updated = await call('PATCH', `/accounts/${id}`, { problem: true, name: 'Renamed' });
    expect(updated.status).toBe(200);
    expect(updated.body.account).toMatchObject({ accessKeyId: id, problem: true, name: 'Renamed' });
    const listed = await call('GET', '/accounts');
    expect(listed.status).toBe(200);
    expect(listed.body.accounts).toHaveLength(1);
  });

  it('renders the service errors with their catalog status', async () => {
    const { status, body } = await call('PATCH', '/accounts/LSIA0000000000000099', { problem: true });
    expect(status).toBe(403);
    expect(body.error.code).toBe('InvalidClientTokenId');
  });
});

describe('admin API validation', () => {
  it.each([
    ['POST', '/accounts', {}, 'MissingParameterException', 'emails'],
    ['POST', '/accounts', { emails: [] }, 'MissingParameterException', 'emails'],
    ['POST', '/accounts', { emails: [{}] }, 'InvalidParameterException', 'emails[0]'],
    [
      'POST',
      '/accounts',
      { emails: ['a@example.com'], signed_up: false },
      'InvalidParameterException',
      'signed_up',
    ],
    [
      'PATCH',
      '/accounts/LSIA0000000000000001',
      {},
      'MissingParameterException',
      'name, emails, signedUp or problem',
    ],
    ['PATCH', '/accounts/not-a-key', { problem: true }, 'InvalidParameterException', 'accessKeyId'],
    ['POST', '/buckets', { name: 'photos' }, 'MissingParameterException', 'owner'],
    [
      'POST',
      '/buckets',
      { name: 'photos', owner: 'lower-case-key-00000' },
      'InvalidParameterException',
      'owner',
    ],
    ['POST', '/buckets/photos/grants', {}, 'MissingParameterException', 'accessKeyId'],
    ['POST', '/accounts', '{"emails": [', 'InvalidParameterException', 'body'],
    ['POST', '/accounts', 'null', 'InvalidParameterException', 'body'],
  ])('%s %s %j -> 400 %s naming %s', async (method, path, body, code, parameter) => {
    const result = await call(method, path, body);
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: { code, message: expect.any(String), action: expect.any(String) } });
    expect(result.body.error.message).toMatch(
      new RegExp(`^The (required )?parameter ${parameter.replace(/[[\]]/g, '\\$&')} `),
    );
    expect(server.accounts.calls).toEqual([]);
  });

  it('answers an unknown admin path with the catalog error shape', async () => {
    const { status, body } = await call('GET', '/nothing-here');
    expect(status).toBe(400);
    expect(body.error.code).toBe('InvalidParameterException');
    expect(body.error.message).toContain('/admin/v1/nothing-here');
  });

  it('answers a body of the wrong media type with InvalidParameterException', async () => {
    const response = await fetch(`${server.url}/admin/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
      body: 'emails=a@example.com',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'InvalidParameterException',
    );
  });
});

describe('admin API buckets', () => {
  it('creates, grants and lists buckets', async () => {
    const owner = await newAccount();
    const other = await newAccount();
    const created = await call('POST', '/buckets', { name: 'photos', owner });
    expect(created.status).toBe(201);
    expect(created.body.bucket).toEqual({
      name: 'photos',
      owner,
      region: 'us-east-1',
      grants: [],
      createdAt: '2024-05-02T08:30:00.000Z',
    });
    const granted = await call('POST', '/buckets/photos/grants', { accessKeyId: other });
    expect(granted.status).toBe(200);
    expect(granted.body.bucket.grants).toEqual([other]);
    const listed = await call('GET', '/buckets');
    expect(listed.body.buckets.map((b: { name: string }) => b.name)).toEqual(['photos']);
  });

  it('maps catalog errors to their HTTP status', async () => {
    const owner = await newAccount();
    await call('POST', '/buckets', { name: 'photos', owner });
    expect((await call('POST', '/buckets', { name: 'photos', owner })).status).toBe(409);
    const missing = await call('POST', '/buckets/absent/grants', { accessKeyId: owner });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NoSuchBucket');
  });

  it('turns an unexpected error into a logged 500 InternalError without leaking it', async () => {
    server.accounts.failNext = new Error('database on fire: password=hunter2');
    const { status, body } = await call('GET', '/buckets');
    expect(status).toBe(500);
    expect(body.error.code).toBe('InternalError');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(server.logged.at(-1)).toBeInstanceOf(Error);
  });
});

describe('admin API jobs', () => {
  // A loaded and returned job, with two lines of history (server.jobs is a fake of StationJobs).
  function addReturnedJob() {
    return server.jobs.add(
      {
        jobId: 'K7M2P',
        location: 'Returned',
        progress: 'SuccessWithErrors',
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        logBucket: 'logs',
        logKey: 'import-K7M2P.csv',
        errorCount: 2,
      },
      [
        { event: 'create', detail: 'job created' },
        {
          event: 'receive',
          location: 'AtAWS',
          progress: 'Pending',
          canceled: false,
          actor: 'station:dock-1',
          detail: null,
        },
      ],
    );
  }

  it('requires the admin token', async () => {
    addReturnedJob();
    const { status, body } = await call('GET', '/jobs/K7M2P', undefined, null);
    expect(status).toBe(401);
    expect(body.error.code).toBe('InvalidAdminToken');
    expect(server.jobs.calls).toEqual([]);
  });

  it('answers 200 with the job as GetStatus shows it, its owner, and its history', async () => {
    const job = addReturnedJob();
    const { status, body } = await call('GET', '/jobs/K7M2P');
    expect(status).toBe(200);
    expect(body).toEqual({
      job: {
        jobId: 'K7M2P',
        owner: 'LSIA0000000000000001',
        jobType: 'Import',
        locationCode: 'Returned',
        locationMessage: 'The device was sent back with UPS; tracking number 1Z999AA10123456784.',
        progressCode: 'SuccessWithErrors',
        progressMessage: 'The load finished, but 2 file(s) failed; the import log lists them.',
        isCanceled: false,
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        logBucket: 'logs',
        logKey: 'import-K7M2P.csv',
        errorCount: 2,
        signature: job.signature,
        signatureFileContents: signatureFileContents('K7M2P', job.signature),
        currentManifest: job.manifestText,
        creationDate: '2024-05-03T09:00:00.000Z',
        artifactList: [],
      },
      history: [
        {
          seq: 1,
          at: '2024-05-03T09:00:00.000Z',
          event: 'create',
          location: 'NotReceived',
          progress: 'Pending',
          canceled: false,
          actor: 'api',
          detail: 'job created',
        },
        {
          seq: 2,
          at: '2024-05-04T09:00:00.000Z',
          event: 'receive',
          location: 'AtAWS',
          progress: 'Pending',
          canceled: false,
          actor: 'station:dock-1',
          detail: null,
        },
      ],
    });
  });

  it('sends nulls for a job not yet returned or loaded', async () => {
    server.jobs.add({ jobId: 'ABC12', location: 'NotReceived' });
    const { status, body } = await call('GET', '/jobs/ABC12');
    expect(status).toBe(200);
    expect(body.job).toMatchObject({
      carrier: null,
      trackingNumber: null,
      logBucket: null,
      logKey: null,
      errorCount: 0,
    });
    expect(body.history).toEqual([]);
  });

  it('accepts a lower-case job ID', async () => {
    addReturnedJob();
    const { status, body } = await call('GET', '/jobs/k7m2p');
    expect(status).toBe(200);
    expect(body.job.jobId).toBe('K7M2P');
    expect(body.history).toHaveLength(2);
  });

  it.each([
    ['an unknown job ID', 'ZZZZZ'],
    ['a malformed job ID', 'K7M2O'],
    ['a job ID of the wrong length', 'K7M2PP'],
  ])('answers %s with 400 InvalidJobIdException', async (_label, jobId) => {
    addReturnedJob();
    const { status, body } = await call('GET', `/jobs/${jobId}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        code: 'InvalidJobIdException',
        message: expect.stringContaining('job ID'),
        action: expect.any(String),
      },
    });
  });
});
