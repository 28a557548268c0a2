import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithBucket, importManifest } from '../../helpers/services.js';
import { startQueryServer, type Reply, type TestQueryServer } from './query-server.js';
import type { Credentials, ParamList } from './signer.js';

let server: TestQueryServer;
let alice: Credentials;
let bob: Credentials;
let alicesJob: string;
let bobsJob: string;
const statuses: number[] = [];

async function call(params: ParamList, creds: Credentials): Promise<Reply> {
  const reply = await server.call(params, creds);
  statuses.push(reply.status);
  return reply;
}

async function createJob(creds: Credentials, bucket: string): Promise<string> {
  const reply = await call(
    [
      ['Action', 'CreateJob'],
      ['JobType', 'Import'],
      ['Manifest', importManifest(bucket)],
      ['ValidateOnly', 'false'],
    ],
    creds,
  );
  return reply.get('JobId')!;
}

beforeAll(async () => {
  server = await startQueryServer();
  const a = await customerWithBucket(server.services, 'alice-photos');
  const b = await customerWithBucket(server.services, 'bob-photos');
  alice = { key: a.key, secret: a.secret };
  bob = { key: b.key, secret: b.secret };
  alicesJob = await createJob(alice, 'alice-photos');
  bobsJob = await createJob(bob, 'bob-photos');
});
afterAll(async () => {
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(server.logged).toEqual([]);
  await server.close();
});

function expectCode(reply: Reply, code: string): void {
  expect({ status: reply.status, code: reply.get('Code') }).toEqual({ status: 400, code });
}

describe("another account's job", () => {
  const operations: [string, (jobId: string) => ParamList][] = [
    [
      'GetStatus',
      (id) => [
        ['Action', 'GetStatus'],
        ['JobId', id],
      ],
    ],
    [
      'CancelJob',
      (id) => [
        ['Action', 'CancelJob'],
        ['JobId', id],
      ],
    ],
    [
      'UpdateJob',
      (id) => [
        ['Action', 'UpdateJob'],
        ['JobId', id],
        ['Manifest', importManifest('bob-photos')],
        ['JobType', 'Import'],
        ['ValidateOnly', 'false'],
      ],
    ],
    [
      'GetShippingLabel',
      (id) => [
        ['Action', 'GetShippingLabel'],
        ['jobIds.member.1', id],
        ['name', 'Bob'],
      ],
    ],
    [
      'GetShippingLabel (one of two)',
      (id) => [
        ['Action', 'GetShippingLabel'],
        ['jobIds', `${bobsJob},${id}`],
        ['name', 'Bob'],
      ],
    ],
  ];

  it.each(operations)(
    '%s is InvalidJobIdException, exactly as for a job that does not exist',
    async (_op, params) => {
      const theirs = await call(params(alicesJob), bob);
      const missing = await call(params('ZZZZZ'), bob);
      expectCode(theirs, 'InvalidJobIdException');
      expect(theirs.get('Message')).toBe(missing.get('Message'));
    },
  );

  it('is not listed, and is no valid Marker', async () => {
    const listed = await call([['Action', 'ListJobs']], bob);
    expect(listed.text).toContain(`<JobId>${bobsJob}</JobId>`);
    expect(listed.text).not.toContain(alicesJob);
    expectCode(
      await call(
        [
          ['Action', 'ListJobs'],
          ['Marker', alicesJob],
        ],
        bob,
      ),
      'InvalidParameterException',
    );
  });

  it('is left untouched', async () => {
    const status = await call(
      [
        ['Action', 'GetStatus'],
        ['JobId', alicesJob],
      ],
      alice,
    );
    expect(status.get('ProgressCode')).toBe('Pending');
    expect(status.get('CurrentManifest')).toBe(importManifest('alice-photos'));
  });
});

describe("a manifest naming another account's key or bucket", () => {
  it('CreateJob and UpdateJob with accessKeyId of another account: InvalidAccessKeyIdException', async () => {
    const manifest = importManifest('bob-photos', `accessKeyId: ${alice.key}\n`);
    const created = await call(
      [
        ['Action', 'CreateJob'],
        ['JobType', 'Import'],
        ['Manifest', manifest],
        ['ValidateOnly', 'false'],
      ],
      bob,
    );
    expectCode(created, 'InvalidAccessKeyIdException');
    const updated = await call(
      [
        ['Action', 'UpdateJob'],
        ['JobId', bobsJob],
        ['Manifest', manifest],
        ['JobType', 'Import'],
        ['ValidateOnly', 'false'],
      ],
      bob,
    );
    expectCode(updated, 'InvalidAccessKeyIdException');
  });

  it("the caller's own accessKeyId is accepted", async () => {
    const manifest = importManifest('bob-photos', `accessKeyId: ${bob.key}\n`);
    const reply = await call(
      [
        ['Action', 'CreateJob'],
        ['JobType', 'Import'],
        ['Manifest', manifest],
        ['ValidateOnly', 'true'],
      ],
      bob,
    );
    expect(reply.status).toBe(200);
  });

  it("another account's bucket: BucketPermissionException", async () => {
    const reply = await call(
      [
        ['Action', 'CreateJob'],
        ['JobType', 'Import'],
        ['Manifest', importManifest('alice-photos')],
        ['ValidateOnly', 'true'],
      ],
      bob,
    );
    expectCode(reply, 'BucketPermissionException');
  });
});
