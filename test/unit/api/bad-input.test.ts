import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithBucket, importManifest } from '../../helpers/services.js';
import { startQueryServer, type Reply, type TestQueryServer } from './query-server.js';
import { signV4Body, type Credentials, type ParamList, type PlainRequest } from './signer.js';

let server: TestQueryServer;
let alice: Credentials;
const statuses: number[] = [];

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

function track(reply: Reply): Reply {
  statuses.push(reply.status);
  return reply;
}
const call = async (params: ParamList) => track(await server.call(params, alice));
const send = async (request: PlainRequest) => track(await server.send(request));
const rawBody = (body: string) =>
  send(signV4Body(server.url, body, alice, { at: server.services.clock.now() }));

function expectError(reply: Reply, status: number, code: string, mentions?: string): void {
  expect({ status: reply.status, code: reply.get('Code'), type: reply.get('Type') }).toEqual({
    status,
    code,
    type: 'Sender',
  });
  expect(reply.contentType).toMatch(/^text\/xml/);
  expect(reply.text).toMatch(
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="http:\/\/importexport.amazonaws.com\/doc\/2010-06-01\/"><Error>/,
  );
  if (mentions !== undefined) expect(reply.get('Message')).toContain(mentions);
}

const createParams = (overrides: Record<string, string | null> = {}): ParamList => {
  const base: Record<string, string | null> = {
    Action: 'CreateJob',
    JobType: 'Import',
    Manifest: importManifest('alice-photos'),
    ValidateOnly: 'true',
    ...overrides,
  };
  return Object.entries(base).filter((e): e is [string, string] => e[1] !== null);
};

describe('body size', () => {
  it('refuses a body over 4 MiB with InvalidParameterException (not 413, not JSON)', async () => {
    const reply = await rawBody(`Action=ListJobs&Filler=${'x'.repeat(4 * 1024 * 1024)}`);
    expectError(reply, 400, 'InvalidParameterException', 'body');
  });

  it('refuses a Manifest over 1 MiB with InvalidParameterException naming it', async () => {
    const manifest = importManifest('alice-photos', `# ${'y'.repeat(1024 * 1024)}\n`);
    expectError(
      await call(createParams({ Manifest: manifest })),
      400,
      'InvalidParameterException',
      'Manifest',
    );
    expectError(
      await call([
        ['Action', 'UpdateJob'],
        ['JobId', 'ABCDE'],
        ['Manifest', manifest],
        ['JobType', 'Import'],
        ['ValidateOnly', 'false'],
      ]),
      400,
      'InvalidParameterException',
      'Manifest',
    );
  });

  it('refuses a JSON body with InvalidParameterException', async () => {
    const request = signV4Body(server.url, '{"Action":"ListJobs"}', alice, {
      at: server.services.clock.now(),
    });
    request.headers['content-type'] = 'application/json';
    expectError(await send(request), 400, 'InvalidParameterException', 'body');
  });
});

describe('Action', () => {
  it.each([
    ['an unknown Action', [['Action', 'DeleteEverything']]],
    ['an Action in the wrong case', [['Action', 'listjobs']]],
    ['no Action', [['Version', '2010-06-01']]],
  ] as [string, ParamList][])('refuses %s with InvalidAction', async (_label, params) => {
    expectError(await call(params), 400, 'InvalidAction');
  });

  it("accepts the model's ?Operation= instead of Action", async () => {
    const reply = await call([['Operation', 'ListJobs']]);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<ListJobsResponse');
  });

  it('refuses an Operation that contradicts Action', async () => {
    expectError(
      await call([
        ['Action', 'ListJobs'],
        ['Operation', 'CancelJob'],
      ]),
      400,
      'InvalidParameterException',
      'Operation',
    );
  });
});

describe('types and required parameters', () => {
  it.each([
    [
      'MaxJobs=abc',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', 'abc'],
      ],
      'MaxJobs',
    ],
    [
      'MaxJobs=1001',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '1001'],
      ],
      'MaxJobs',
    ],
    [
      'MaxJobs=-1',
      [
        ['Action', 'ListJobs'],
        ['MaxJobs', '-1'],
      ],
      'MaxJobs',
    ],
    ['ValidateOnly=maybe', createParams({ ValidateOnly: 'maybe' }), 'ValidateOnly'],
    ['JobType=Imprt', createParams({ JobType: 'Imprt' }), 'JobType'],
    [
      'Version=2009-05-20',
      [
        ['Action', 'ListJobs'],
        ['Version', '2009-05-20'],
      ],
      'Version',
    ],
    [
      'a Marker that is no job of the caller',
      [
        ['Action', 'ListJobs'],
        ['Marker', 'ZZZZZ'],
      ],
      'Marker',
    ],
    [
      'jobIds.member.0',
      [
        ['Action', 'GetShippingLabel'],
        ['jobIds.member.0', 'ABCDE'],
      ],
      'jobIds.member.0',
    ],
  ] as [string, ParamList, string][])(
    '%s is InvalidParameterException naming it',
    async (_label, params, name) => {
      expectError(await call(params), 400, 'InvalidParameterException', name);
    },
  );

  it.each([
    ['CreateJob', 'JobType', createParams({ JobType: null })],
    ['CreateJob', 'Manifest', createParams({ Manifest: null })],
    ['CreateJob', 'ValidateOnly', createParams({ ValidateOnly: null })],
    ['GetStatus', 'JobId', [['Action', 'GetStatus']]],
    ['CancelJob', 'JobId', [['Action', 'CancelJob']]],
    [
      'UpdateJob',
      'JobType',
      [
        ['Action', 'UpdateJob'],
        ['JobId', 'ABCDE'],
        ['Manifest', 'x'],
        ['ValidateOnly', 'true'],
      ],
    ],
    [
      'GetShippingLabel',
      'jobIds',
      [
        ['Action', 'GetShippingLabel'],
        ['name', 'Jane'],
      ],
    ],
  ] as [string, string, ParamList][])(
    '%s without %s is MissingParameterException',
    async (_op, name, params) => {
      expectError(await call(params), 400, 'MissingParameterException', name);
    },
  );

  it('an APIVersion that is no tool version is InvalidVersionException; a plausible one is accepted', async () => {
    expectError(
      await call([
        ['Action', 'ListJobs'],
        ['APIVersion', 'v1 <script>'],
      ]),
      400,
      'InvalidVersionException',
    );
    expectError(
      await call([
        ['Action', 'ListJobs'],
        ['APIVersion', ''],
      ]),
      400,
      'InvalidVersionException',
    );
    expect(
      (
        await call([
          ['Action', 'ListJobs'],
          ['APIVersion', 'ImportExportWebServiceTool-1.0'],
        ])
      ).status,
    ).toBe(200);
  });

  it('ignores unknown parameters', async () => {
    const reply = await call([
      ['Action', 'ListJobs'],
      ['JobType', 'Import'],
      ['SignatureVersion', '4'],
      ['Whatever', 'x'],
    ]);
    expect(reply.status).toBe(200);
  });

  it('an empty JobId is InvalidJobIdException', async () => {
    expectError(
      await call([
        ['Action', 'GetStatus'],
        ['JobId', ''],
      ]),
      400,
      'InvalidJobIdException',
    );
  });
});

describe('duplicate parameters', () => {
  it('accepts a parameter repeated with the same value', async () => {
    const reply = await call([
      ['Action', 'ListJobs'],
      ['MaxJobs', '5'],
      ['Action', 'ListJobs'],
      ['MaxJobs', '5'],
    ]);
    expect(reply.status).toBe(200);
  });

  it.each([
    ['Action', 'ListJobs', 'GetStatus'],
    ['MaxJobs', '5', '6'],
    ['Manifest', 'a', 'b'],
  ])(
    'refuses %s given twice with different values (InvalidParameterException naming it)',
    async (name, first, second) => {
      const params: ParamList = [
        ['Action', 'ListJobs'],
        [name, first],
        [name, second],
      ];
      expectError(await call(params), 400, 'InvalidParameterException', name);
    },
  );
});

describe('percent-encoding and UTF-8', () => {
  it.each([
    ['a bad escape', 'Action=ListJobs&MaxJobs=%zz', 'MaxJobs'],
    ['a truncated escape', 'Action=ListJobs&Marker=%4', 'Marker'],
    ['bytes that are not UTF-8', 'Action=ListJobs&Marker=%FF%FE', 'Marker'],
    ['an overlong UTF-8 sequence', 'Action=ListJobs&Marker=%C0%AF', 'Marker'],
    ['a lone surrogate in UTF-8', 'Action=ListJobs&Marker=%ED%A0%80', 'Marker'],
  ])('refuses %s with InvalidParameterException', async (_label, body, name) => {
    expectError(await rawBody(body), 400, 'InvalidParameterException', name);
  });

  it('accepts raw (unescaped) UTF-8 bytes in a form body', async () => {
    const manifest = importManifest('alice-photos', '# raw Zoë 日本\n');
    const body = `Action=CreateJob&JobType=Import&ValidateOnly=false&Manifest=${encodeURIComponent(manifest).replace(/%C3%AB|%E6%97%A5|%E6%9C%AC/g, decodeURIComponent)}`;
    const created = await rawBody(body);
    expect(created.status).toBe(200);
    const status = await call([
      ['Action', 'GetStatus'],
      ['JobId', created.get('JobId')!],
    ]);
    expect(status.get('CurrentManifest')).toBe(manifest);
  });

  it.each(['v4', 'v4-query', 'v2', 'v2-get'] as const)(
    '%s: round-trips a manifest with plus, percent, star, tilde, spaces, CR and non-ASCII text',
    async (scheme) => {
      const manifest = importManifest('alice-photos', `# a+b 100% *x* ~y~ Zoë 日本 🚚 <&>"'\r\n`);
      const created = await track(
        await server.call(createParams({ Manifest: manifest, ValidateOnly: 'false' }), alice, { scheme }),
      );
      expect(created.status).toBe(200);
      const status = await call([
        ['Action', 'GetStatus'],
        ['JobId', created.get('JobId')!],
      ]);
      expect(status.get('CurrentManifest')).toBe(manifest);
      expect(status.text).toContain('&lt;&amp;&gt;&quot;&apos;&#xD;\n');
    },
  );

  it.each(['v4', 'v2', 'v2-get'] as const)(
    '%s: verifies a manifest that starts with a UTF-8 BOM',
    async (scheme) => {
      const manifest = `\uFEFF${importManifest('alice-photos')}`;
      const reply = await track(await server.call(createParams({ Manifest: manifest }), alice, { scheme }));
      expect(reply.status).toBe(200);
    },
  );

  it('drops characters XML 1.0 cannot carry from echoed values', async () => {
    const manifest = importManifest('alice-photos', '# bell \u0007 here\n');
    const created = await call(createParams({ Manifest: manifest, ValidateOnly: 'false' }));
    const status = await call([
      ['Action', 'GetStatus'],
      ['JobId', created.get('JobId')!],
    ]);
    expect(status.get('CurrentManifest')).toBe(manifest.replace('\u0007', ''));
  });
});

describe('manifest errors', () => {
  it('name the fields and locate the issues in the Message', async () => {
    const manifest = 'manifestVersion: 2.0\nbucket: alice-photos\ndeviceId: WD-1\neraseDevice: perhaps\n';
    const reply = await call(createParams({ Manifest: manifest }));
    expect(reply.status).toBe(400);
    expect(reply.get('Code')).toMatch(/Manifest|Address/);
    expect(reply.get('Message')).toMatch(/Line \d+, column \d+: /);
  });
});
