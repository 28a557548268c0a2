import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueryApi } from '../../../src/api/query/index.js';
import { signRequest, type ParamList } from './signer.js';
import { fixedJobs, fixedLabels, NOW } from './stub-jobs.js';

/**
 * Golden XML: each operation's success and the error envelope, compared byte for byte with
 * test/fixtures/api/*.xml. The jobs are a stub with fixed values (the real JobService draws random
 * job IDs and keys); RequestId and the clock are fixed. UPDATE_GOLDEN=1 rewrites the files.
 */
const CREDS = { key: 'LSIAGOLDENKEY0000001', secret: 'golden-secret' };
const REQUEST_ID = 'a4f704fc-0ad8-11df-b085-4384d3e37ae5';
let app: FastifyInstance;
let url: string;
const logged: unknown[] = [];

beforeAll(async () => {
  app = Fastify({ logger: false });
  await registerQueryApi(app, {
    jobs: fixedJobs,
    accounts: { secretOf: async (key) => (key === CREDS.key ? CREDS.secret : null) },
    labels: fixedLabels,
    now: () => NOW,
    requestId: () => REQUEST_ID,
    logError: (err) => logged.push(err),
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

async function golden(file: string, params: ParamList, status: number, creds = CREDS): Promise<void> {
  const request = signRequest(url, params, creds, { at: NOW });
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  const path = `test/fixtures/api/${file}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, `${text}\n`);
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  expect(response.headers.get('x-amzn-requestid')).toBe(REQUEST_ID);
  expect(text).toBe(readFileSync(path, 'utf8').replace(/\n$/, ''));
}

const create = (validateOnly: string): ParamList => [
  ['Action', 'CreateJob'],
  ['JobType', 'Import'],
  ['Manifest', 'manifestVersion: 2.0\n'],
  ['ValidateOnly', validateOnly],
];

describe('golden success responses', () => {
  it('CreateJob', () => golden('create-job.xml', create('false'), 200));
  it('CreateJob with ValidateOnly=true', () => golden('create-job-validate-only.xml', create('true'), 200));
  it('GetStatus of a returned job (every member)', () =>
    golden(
      'get-status.xml',
      [
        ['Action', 'GetStatus'],
        ['JobId', 'RTRND'],
      ],
      200,
    ));
  it('GetStatus of a new job', () =>
    golden(
      'get-status-new-job.xml',
      [
        ['Action', 'GetStatus'],
        ['JobId', 'NEW12'],
      ],
      200,
    ));
  it('ListJobs', () =>
    golden(
      'list-jobs.xml',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '2'],
      ],
      200,
    ));
  it('ListJobs with no jobs', () =>
    golden(
      'list-jobs-empty.xml',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '0'],
      ],
      200,
    ));
  it('UpdateJob', () =>
    golden(
      'update-job.xml',
      [
        ['Action', 'UpdateJob'],
        ['JobId', 'NEW12'],
        ['Manifest', 'manifestVersion: 2.0\n'],
        ['JobType', 'Export'],
        ['ValidateOnly', 'false'],
      ],
      200,
    ));
  it('CancelJob', () =>
    golden(
      'cancel-job.xml',
      [
        ['Action', 'CancelJob'],
        ['JobId', 'NEW12'],
      ],
      200,
    ));
  it('GetShippingLabel', async () => {
    const params: ParamList = [
      ['Action', 'GetShippingLabel'],
      ['jobIds.member.1', 'NEW12'],
      ['name', 'Jane'],
    ];
    await golden('get-shipping-label.xml', params, 200);
    expect(fixedLabels.baseUrls.at(-1)).toBe(url);
  });
});

describe('golden error responses', () => {
  it('InvalidJobIdException', () =>
    golden(
      'error-invalid-job-id.xml',
      [
        ['Action', 'GetStatus'],
        ['JobId', 'ZZZZZ'],
      ],
      400,
    ));
  it('MissingParameterException', () =>
    golden('error-missing-parameter.xml', [['Action', 'GetStatus']], 400));
  it('InvalidParameterException', () =>
    golden(
      'error-invalid-parameter.xml',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', 'abc'],
      ],
      400,
    ));
  it('InvalidAction', () => golden('error-invalid-action.xml', [['Action', 'Launch<Rocket>']], 400));
  it('InvalidClientTokenId', () =>
    golden('error-invalid-client-token-id.xml', [['Action', 'ListJobs']], 403, {
      ...CREDS,
      key: 'LSIANOBODY',
    }));
  it('SignatureDoesNotMatch', () =>
    golden('error-signature-does-not-match.xml', [['Action', 'ListJobs']], 403, {
      ...CREDS,
      secret: 'wrong',
    }));
  it('InternalError is a 500 Receiver fault, logged, with no detail leaked', async () => {
    await golden(
      'error-internal.xml',
      [
        ['Action', 'GetStatus'],
        ['JobId', 'BOOM1'],
      ],
      500,
    );
    expect(logged).toHaveLength(1);
    expect(String(logged[0])).toContain('database on fire');
  });
});
