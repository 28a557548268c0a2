import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithBucket } from '../../helpers/services.js';
import { startQueryServer, type Reply, type TestQueryServer } from './query-server.js';
import { signRequest, type Credentials, type PlainRequest, type Scheme, type SignOptions } from './signer.js';

let server: TestQueryServer;
let alice: Credentials;
const statuses: number[] = [];
const LIST: [string, string][] = [['Action', 'ListJobs']];

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

async function list(creds: Credentials, options: SignOptions = {}): Promise<Reply> {
  const reply = await server.call(LIST, creds, options);
  statuses.push(reply.status);
  return reply;
}
async function send(request: PlainRequest): Promise<Reply> {
  const reply = await server.send(request);
  statuses.push(reply.status);
  return reply;
}
const minutes = (n: number) => new Date(server.services.clock.now().getTime() + n * 60_000);
const signed = (options: SignOptions = {}) =>
  signRequest(server.url, LIST, alice, { at: server.services.clock.now(), ...options });

function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.get('Code'), type: reply.get('Type') }).toEqual({
    status,
    code,
    type: 'Sender',
  });
}

const SCHEMES: Scheme[] = ['v4', 'v4-query', 'v2', 'v2-sha1', 'v2-get', 'v2-expires'];

describe('accepted signatures', () => {
  it.each(SCHEMES)('%s', async (scheme) => {
    const reply = await list(alice, { scheme });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<ListJobsResponse');
  });

  it.each([
    ['importexport', 'us-east-1'],
    ['IngestionService', 'eu-central-1'],
    ['importexport', 'longshore-local'],
  ])('SigV4 scoped to service %s in region %s', async (service, region) => {
    expect((await list(alice, { service, region })).status).toBe(200);
  });

  it('a request 14 minutes ahead or behind the server clock', async () => {
    expect((await list(alice, { at: minutes(14) })).status).toBe(200);
    expect((await list(alice, { at: minutes(-14) })).status).toBe(200);
  });
});

describe('refused signatures', () => {
  it('no credentials at all: 403 MissingAuthenticationToken', async () => {
    expectError(await send(signed({ scheme: 'none' })), 403, 'MissingAuthenticationToken');
    expectError(
      await send({ method: 'GET', url: `${server.url}/?Action=ListJobs`, headers: {}, body: '' }),
      403,
      'MissingAuthenticationToken',
    );
  });

  it.each(SCHEMES)('an unknown access key (%s): 403 InvalidClientTokenId', async (scheme) => {
    expectError(
      await list({ key: 'LSIAUNKNOWNKEY000000', secret: alice.secret }, { scheme }),
      403,
      'InvalidClientTokenId',
    );
  });

  it.each(SCHEMES)('a wrong secret (%s): 403 SignatureDoesNotMatch', async (scheme) => {
    expectError(
      await list({ key: alice.key, secret: `${alice.secret.slice(0, -1)}!` }, { scheme }),
      403,
      'SignatureDoesNotMatch',
    );
  });

  it.each(['v4', 'v2', 'v2-get'] as Scheme[])(
    'a clock 16 minutes off (%s): 403 RequestTimeTooSkewed',
    async (scheme) => {
      expectError(await list(alice, { scheme, at: minutes(16) }), 403, 'RequestTimeTooSkewed');
      expectError(await list(alice, { scheme, at: minutes(-16) }), 403, 'RequestTimeTooSkewed');
    },
  );

  it('an expired presigned URL or SigV2 Expires: 403 RequestTimeTooSkewed', async () => {
    expectError(
      await list(alice, { scheme: 'v4-query', at: minutes(-6), expires: 300 }),
      403,
      'RequestTimeTooSkewed',
    );
    expectError(
      await list(alice, { scheme: 'v2-expires', at: minutes(-6), expires: 300 }),
      403,
      'RequestTimeTooSkewed',
    );
    expect((await list(alice, { scheme: 'v4-query', at: minutes(-60), expires: 7200 })).status).toBe(200);
  });

  it('a credential scoped to another service: 403 SignatureDoesNotMatch', async () => {
    expectError(await list(alice, { service: 's3' }), 403, 'SignatureDoesNotMatch');
  });

  it('a signed body changed in transit: 403 SignatureDoesNotMatch', async () => {
    const request = signed();
    request.body = request.body.replace('ListJobs', 'ListJobz');
    expectError(await send(request), 403, 'SignatureDoesNotMatch');
  });

  it('a presigned URL with an added parameter: 403 SignatureDoesNotMatch', async () => {
    const request = signed({ scheme: 'v4-query' });
    request.url += '&MaxJobs=1';
    expectError(await send(request), 403, 'SignatureDoesNotMatch');
  });

  it('SigV2 ignores unsigned query parameters next to a signed body', async () => {
    const request = signed({ scheme: 'v2' });
    request.url += '?Action=CancelJob&JobId=ABCDE';
    const reply = await send(request);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<ListJobsResponse');
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['no Signature', (a: string) => a.replace(/, Signature=\w+/, '')],
    ['no SignedHeaders', (a: string) => a.replace(/, SignedHeaders=[^,]+/, '')],
    ['a short credential', (a: string) => a.replace(/Credential=[^,]+/, 'Credential=KEY/20260302')],
    ['a signature that is not hex', (a: string) => a.replace(/Signature=\w+/, 'Signature=zz')],
    ['host not signed', (a: string) => a.replace('content-type;host;x-amz-date', 'content-type;x-amz-date')],
  ] as [string, string | ((a: string) => string)][])(
    'a malformed Authorization header (%s): 400 IncompleteSignature',
    async (_l, change) => {
      const request = signed();
      const auth = request.headers.authorization!;
      request.headers.authorization = typeof change === 'string' ? change : change(auth);
      expectError(await send(request), 400, 'IncompleteSignature');
    },
  );

  it('SigV2 without SignatureMethod or with SignatureVersion 1: 400 IncompleteSignature', async () => {
    const request = signed({ scheme: 'v2' });
    expectError(
      await send({ ...request, body: request.body.replace(/SignatureMethod=\w+&?/, '') }),
      400,
      'IncompleteSignature',
    );
    expectError(
      await send({ ...request, body: request.body.replace('SignatureVersion=2', 'SignatureVersion=1') }),
      400,
      'IncompleteSignature',
    );
  });
});

describe('account standing', () => {
  it('a signed-up account with a problem: 403 AccountProblem; not signed up: 403 NotSignedUp', async () => {
    const bob = await customerWithBucket(server.services, 'bob-photos');
    const creds = { key: bob.key, secret: bob.secret };
    await server.services.accounts.updateAccount(bob.key, { problem: true });
    expectError(await list(creds), 403, 'AccountProblem');
    await server.services.accounts.updateAccount(bob.key, { problem: false, signedUp: false });
    expectError(await list(creds), 403, 'NotSignedUp');
    await server.services.accounts.updateAccount(bob.key, { signedUp: true });
    expect((await list(creds)).status).toBe(200);
  });
});
