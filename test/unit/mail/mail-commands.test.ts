import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissions } from '../../../src/accounts/index.js';
import { expireDueJobs, verifySignatureFile } from '../../../src/jobs/index.js';
import {
  MailCommands,
  parseCommand,
  renderReply,
  type CommandName,
  type MailCommand,
  type MailReply,
  type ParsedCommand,
} from '../../../src/mail/index.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';

let s: TestServices;
let mail: MailCommands;
beforeAll(async () => {
  s = await makeServices({ quota: 50 });
  mail = new MailCommands({ jobs: s.jobs, permissions: new Permissions(s.store), now: s.clock.now });
});
afterAll(() => s.close());

let seq = 0;
/** A signed-up account whose registered address is `<bucket>@example.org`, owning `bucket`. */
async function newCustomer() {
  const bucket = `mail-bucket-${++seq}`;
  const created = await customerWithBucket(s, bucket);
  return { bucket, address: `${bucket}@example.org`, ...created };
}

function command(name: CommandName, fields: Partial<MailCommand> = {}): MailCommand {
  return {
    kind: 'command',
    command: name,
    jobId: null,
    jobType: null,
    manifestText: null,
    manifest: null,
    fromAddress: null,
    messageId: '<cmd@example.org>',
    references: [],
    subject: name,
    ...fields,
  };
}

function send(sender: string, parsed: ParsedCommand, authenticatedKey?: string | null): Promise<MailReply> {
  return mail.handle({ command: parsed, sender, authenticatedKey });
}

/** The e-mail code of an error reply (fails the test on a success reply). */
function codeOf(reply: MailReply): string {
  expect(reply.body.kind, JSON.stringify(reply.body)).toBe('error');
  return reply.body.kind === 'error' ? reply.body.error.code : '';
}

async function createJob(c: { address: string; bucket: string }, manifest = importManifest(c.bucket)) {
  const reply = await send(c.address, command('CREATE JOB', { manifestText: manifest }));
  expect(reply.body.kind).toBe('created');
  return reply.body.kind === 'created' ? reply.body.jobId : '';
}

describe('success for every command', () => {
  it('CREATE JOB creates a job through JobService and returns its SIGNATURE', async () => {
    const c = await newCustomer();
    const reply = await send(
      c.address.toUpperCase(),
      command('CREATE JOB', { manifestText: importManifest(c.bucket) }),
    );
    expect(reply).toMatchObject({ command: 'CREATE JOB', recipient: c.address, accessKeyId: c.key });
    if (reply.body.kind !== 'created') throw new Error('expected created');
    expect(reply.body.status).toMatchObject({ locationCode: 'NotReceived', progressCode: 'Pending' });
    const job = await s.station.job(reply.body.jobId);
    expect(job.owner).toBe(c.key);
    expect(verifySignatureFile(s.signingKey, job, reply.body.signatureFileContents)).toBe('valid');
    expect((await s.jobs.history(c.key, job.jobId))[0]).toMatchObject({ event: 'create', actor: 'email' });
  });

  it('UPDATE JOB replaces the manifest and returns the new SIGNATURE', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    const newManifest = importManifest(c.bucket, 'prefix: photos/\n');
    const reply = await send(
      c.address,
      command('UPDATE JOB', { jobId: ` ${jobId.toLowerCase()} `, manifestText: newManifest }),
    );
    if (reply.body.kind !== 'updated') throw new Error(`expected updated, got ${JSON.stringify(reply.body)}`);
    expect(reply.body.jobId).toBe(jobId);
    const job = await s.station.job(jobId);
    expect(job.manifestText).toBe(newManifest);
    expect(verifySignatureFile(s.signingKey, job, reply.body.signatureFileContents)).toBe('valid');
    expect((await s.jobs.history(c.key, jobId)).map((e) => [e.event, e.actor])).toEqual([
      ['create', 'email'],
      ['update', 'email'],
    ]);
  });

  it('GET STATUS answers with the device and job codes', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    await s.station.receiveDevice(jobId, 'dock');
    const reply = await send(c.address, command('GET STATUS', { jobId }));
    if (reply.body.kind !== 'status') throw new Error('expected status');
    expect(reply.body.status).toMatchObject({ jobId, locationCode: 'AtAWS', progressCode: 'Pending' });
  });

  it('CANCEL JOB cancels the job', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    const reply = await send(c.address, command('CANCEL JOB', { jobId: jobId.toLowerCase() }));
    expect(reply.body).toEqual({ kind: 'canceled', jobId });
    expect((await s.station.job(jobId)).canceled).toBe(true);
  });

  it('LIST JOBS lists the account jobs, newest first, canceled ones included', async () => {
    const c = await newCustomer();
    const first = await createJob(c);
    s.clock.advanceDays(0.001);
    const second = await createJob(c);
    await s.jobs.cancelJob(c.key, first, 'test');
    const reply = await send(c.address, command('LIST JOBS'));
    if (reply.body.kind !== 'list') throw new Error('expected list');
    expect(reply.body.isTruncated).toBe(false);
    expect(reply.body.jobs.map((j) => [j.jobId, j.jobType, j.isCanceled])).toEqual([
      [second, 'Import', false],
      [first, 'Import', true],
    ]);
  });

  it('runs a parsed .eml end to end (UTF-16 manifest) and renders the reply', async () => {
    const created = await s.accounts.createAccount({ emails: ['jane.roe@example.org'] });
    await s.accounts.createBucket('photos', created.accessKeyId);
    const raw = readFileSync(new URL('../../fixtures/mail/create-utf16le-bom.eml', import.meta.url));
    const parsed = parseCommand(await simpleParser(raw));
    const reply = await send(parsed.fromAddress ?? '', parsed, created.accessKeyId);
    expect(reply.body.kind).toBe('created');
    const rendered = renderReply(reply);
    expect(rendered).toMatchObject({
      to: 'jane.roe@example.org',
      subject: 'RE: CREATE JOB',
      inReplyTo: '<create-utf16le-bom@example.org>',
      references: ['<create-utf16le-bom@example.org>'],
    });
    expect(rendered.text).toMatch(/^SUCCESS\nJOBID: [1-9A-NP-Z]{5}\n/);
    expect(rendered.attachments.map((a) => a.filename)).toEqual(['SIGNATURE']);
  });
});

describe('every e-mail error code of the seed, by its real situation', () => {
  it('InvalidSender: an address no account registered, with no reply address', async () => {
    const reply = await send('stranger@example.net', command('LIST JOBS'));
    expect(codeOf(reply)).toBe('InvalidSender');
    expect(reply.recipient).toBeNull();
  });

  it('InvalidSender: the SMTP session authenticated as another account', async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    const forged = await send(c.address, command('LIST JOBS'), other.key);
    expect(codeOf(forged)).toBe('InvalidSender');
    expect(forged.recipient).toBeNull();
    expect(codeOf(await send(c.address, command('LIST JOBS'), 'LSIAUNKNOWNKEY000000'))).toBe('InvalidSender');
    expect((await send(c.address, command('LIST JOBS'), c.key)).body.kind).toBe('list');
  });

  it('accepts the authenticated account when the address is registered to it and to another account', async () => {
    const c = await newCustomer();
    const shared = await s.accounts.createAccount({ emails: [c.address] });
    const reply = await send(c.address, command('LIST JOBS'), shared.accessKeyId);
    expect(reply).toMatchObject({ accessKeyId: shared.accessKeyId, body: { kind: 'list' } });
  });

  it('NotSignedUp and AccountProblem: the account flags, replied to the registered address', async () => {
    const c = await newCustomer();
    await s.accounts.updateAccount(c.key, { signedUp: false });
    const notSignedUp = await send(c.address, command('CREATE JOB', { manifestText: 'not: [yaml' }));
    expect(codeOf(notSignedUp)).toBe('NotSignedUp');
    expect(notSignedUp.recipient).toBe(c.address);
    expect(codeOf(await send(c.address, command('LIST JOBS'), c.key))).toBe('NotSignedUp');
    await s.accounts.updateAccount(c.key, { signedUp: true, problem: true });
    expect(codeOf(await send(c.address, command('GET STATUS', { jobId: 'bad' })))).toBe('AccountProblem');
    const problem = await send(c.address, command('GET STATUS', { jobId: 'bad' }), c.key);
    expect([codeOf(problem), problem.recipient]).toEqual(['AccountProblem', c.address]);
  });

  it('the sender checks come before the command: an unknown command from a stranger is InvalidSender', async () => {
    const problem: ParsedCommand = {
      kind: 'problem',
      problem: 'unknown-command',
      fromAddress: null,
      messageId: null,
      references: [],
      subject: 'HELLO',
    };
    expect(codeOf(await send('stranger@example.net', problem))).toBe('InvalidSender');
    const c = await newCustomer();
    expect(codeOf(await send(c.address, problem))).toBe('UnknownCommand');
  });

  it('InvalidJobId: missing, malformed, unknown, or another account job', async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    const theirs = await createJob(other);
    for (const jobId of [null, '', 'ABC', 'O0O0O', 'ZZZZZ', theirs]) {
      for (const name of ['GET STATUS', 'CANCEL JOB', 'UPDATE JOB'] as const) {
        const reply = await send(c.address, command(name, { jobId, manifestText: importManifest(c.bucket) }));
        expect(codeOf(reply), `${name} ${jobId}`).toBe('InvalidJobId');
      }
    }
  });

  it('CanceledJobId: a canceled job', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    await send(c.address, command('CANCEL JOB', { jobId }));
    expect(codeOf(await send(c.address, command('GET STATUS', { jobId })))).toBe('CanceledJobId');
    expect(codeOf(await send(c.address, command('CANCEL JOB', { jobId })))).toBe('CanceledJobId');
    const update = command('UPDATE JOB', { jobId, manifestText: importManifest(c.bucket) });
    expect(codeOf(await send(c.address, update))).toBe('CanceledJobId');
  });

  it('ExpiredJobId: an expired job (UPDATE/CANCEL at once, GET STATUS after the retention)', async () => {
    const t = await makeServices();
    try {
      const tmail = new MailCommands({
        jobs: t.jobs,
        permissions: new Permissions(t.store),
        now: t.clock.now,
      });
      await customerWithBucket(t, 'expiring');
      const address = 'expiring@example.org';
      const created = await tmail.handle({
        command: command('CREATE JOB', { manifestText: importManifest('expiring') }),
        sender: address,
      });
      const jobId = created.body.kind === 'created' ? created.body.jobId : '';
      t.clock.advanceDays(31);
      await expireDueJobs({ store: t.store, expiryDays: 30, now: t.clock.now });
      const run = async (parsed: MailCommand) =>
        codeOf(await tmail.handle({ command: parsed, sender: address }));
      const status = await tmail.handle({ command: command('GET STATUS', { jobId }), sender: address });
      expect(status.body.kind === 'status' && status.body.status.progressCode).toBe('Expired');
      expect(await run(command('CANCEL JOB', { jobId }))).toBe('ExpiredJobId');
      expect(await run(command('UPDATE JOB', { jobId, manifestText: importManifest('expiring') }))).toBe(
        'ExpiredJobId',
      );
      expect(await run(command('UPDATE JOB', { jobId }))).toBe('ExpiredJobId'); // the JOBID before the manifest
      t.clock.advanceDays(31);
      expect(await run(command('GET STATUS', { jobId }))).toBe('ExpiredJobId');
    } finally {
      await t.close();
    }
  });

  it('MissingManifestAttachment: CREATE JOB or UPDATE JOB without a manifest, after the JOBID check', async () => {
    const c = await newCustomer();
    expect(codeOf(await send(c.address, command('CREATE JOB')))).toBe('MissingManifestAttachment');
    const jobId = await createJob(c);
    expect(codeOf(await send(c.address, command('UPDATE JOB', { jobId })))).toBe('MissingManifestAttachment');
    expect(codeOf(await send(c.address, command('UPDATE JOB', { jobId: 'ZZZZZ' })))).toBe('InvalidJobId');
    expect(codeOf(await send(c.address, command('UPDATE JOB')))).toBe('InvalidJobId');
  });

  it('MissingManifestField: names every missing field with its line and column, and lists every issue', async () => {
    const c = await newCustomer();
    const manifest = importManifest(c.bucket)
      .replace(`bucket: ${c.bucket}\n`, '')
      .replace('deviceId: WD-12345\n', '')
      .replace(/ {2}city: .*\n/, '');
    const reply = await send(c.address, command('CREATE JOB', { manifestText: manifest }));
    expect(codeOf(reply)).toBe('MissingManifestField');
    if (reply.body.kind !== 'error') return;
    const { params, issues } = reply.body.error;
    expect(issues.map((i) => i.path).sort()).toEqual(['bucket', 'deviceId', 'returnAddress.city']);
    const located = [...String(params['fields']).matchAll(/(\S+) \(line \d+, column \d+\)(, |$)/g)];
    expect(located.map((m) => m[1]).sort()).toEqual(['bucket', 'deviceId']);
  });

  it('InvalidManifestField: names the invalid fields; malformed YAML too', async () => {
    const c = await newCustomer();
    const reply = await send(
      c.address,
      command('CREATE JOB', { manifestText: importManifest(c.bucket, 'acl: everyone\n') }),
    );
    expect(codeOf(reply)).toBe('InvalidManifestField');
    if (reply.body.kind === 'error')
      expect(reply.body.error.params['fields']).toBe('acl (line 13, column 6)');
    const malformed = await send(c.address, command('CREATE JOB', { manifestText: 'bucket: [unclosed\n' }));
    expect(codeOf(malformed)).toBe('InvalidManifestField');
  });

  it("InvalidAccess Key ID: the manifest's accessKeyId is another account's", async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    const manifest = importManifest(c.bucket, `accessKeyId: ${other.key}\n`);
    expect(codeOf(await send(c.address, command('CREATE JOB', { manifestText: manifest })))).toBe(
      'InvalidAccess Key ID',
    );
  });

  it('NoSuchBucket and AccessDenied: the bucket is missing, or not writable by the sender', async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    const missing = command('CREATE JOB', { manifestText: importManifest('no-such-bucket-here') });
    expect(codeOf(await send(c.address, missing))).toBe('NoSuchBucket');
    const foreign = command('CREATE JOB', { manifestText: importManifest(other.bucket) });
    expect(codeOf(await send(c.address, foreign))).toBe('AccessDenied');
    const jobId = await createJob(c);
    const update = command('UPDATE JOB', { jobId, manifestText: importManifest(other.bucket) });
    expect(codeOf(await send(c.address, update))).toBe('AccessDenied');
  });

  it('UnableToCancelJobId: a completed job', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    await s.station.receiveDevice(jobId, 'dock');
    await s.station.startLoad(jobId, 'dock');
    await s.station.finishLoad(jobId, 'dock', { errorCount: 0, logBucket: c.bucket, logKey: 'log.csv' });
    expect(codeOf(await send(c.address, command('CANCEL JOB', { jobId })))).toBe('UnableToCancelJobId');
  });

  it('checks in DECISIONS §5 order', async () => {
    const c = await newCustomer();
    const other = await newCustomer();
    // bad key and unknown bucket: the key first
    const keyAndBucket = importManifest('no-such-bucket-here', `accessKeyId: ${other.key}\n`);
    expect(codeOf(await send(c.address, command('CREATE JOB', { manifestText: keyAndBucket })))).toBe(
      'InvalidAccess Key ID',
    );
    // bad fields and bad key: the fields first
    const fieldsAndKey = importManifest(c.bucket, `accessKeyId: ${other.key}\nacl: everyone\n`);
    expect(codeOf(await send(c.address, command('CREATE JOB', { manifestText: fieldsAndKey })))).toBe(
      'InvalidManifestField',
    );
    // bad JOBID and no manifest: the JOBID first
    expect(codeOf(await send(c.address, command('UPDATE JOB', { jobId: 'nope' })))).toBe('InvalidJobId');
  });
});

describe('codes without a seed e-mail counterpart', () => {
  it('keeps the catalog code (UnableToUpdateJobIdException, CreateJobQuotaExceededException, a bad JOBTYPE)', async () => {
    const c = await newCustomer();
    const jobId = await createJob(c);
    await s.station.receiveDevice(jobId, 'dock');
    await s.station.startLoad(jobId, 'dock');
    const update = command('UPDATE JOB', { jobId, manifestText: importManifest(c.bucket) });
    expect(codeOf(await send(c.address, update))).toBe('UnableToUpdateJobIdException');
    const badType = command('CREATE JOB', { jobType: 'Both', manifestText: importManifest(c.bucket) });
    const reply = await send(c.address, badType);
    expect(codeOf(reply)).toBe('InvalidParameterException');

    const t = await makeServices({ quota: 1 });
    try {
      const tmail = new MailCommands({ jobs: t.jobs, permissions: new Permissions(t.store) });
      await customerWithBucket(t, 'quota');
      const create = command('CREATE JOB', { manifestText: importManifest('quota') });
      expect((await tmail.handle({ command: create, sender: 'quota@example.org' })).body.kind).toBe(
        'created',
      );
      expect(codeOf(await tmail.handle({ command: create, sender: 'quota@example.org' }))).toBe(
        'CreateJobQuotaExceededException',
      );
    } finally {
      await t.close();
    }
  });

  it('turns an unexpected failure into InternalError and keeps the cause', async () => {
    const c = await newCustomer();
    const failing = new MailCommands({
      jobs: { listJobs: () => Promise.reject(new Error('disk on fire')) } as unknown as TestServices['jobs'],
      permissions: new Permissions(s.store),
    });
    const reply = await failing.handle({ command: command('LIST JOBS'), sender: c.address });
    expect(codeOf(reply)).toBe('InternalError');
    expect(reply.body.kind === 'error' && (reply.body.error.cause as Error).message).toBe('disk on fire');
  });

  it('accepts JOBTYPE: Export', async () => {
    const c = await newCustomer();
    const reply = await send(
      c.address,
      command('CREATE JOB', { jobType: 'export', manifestText: importManifest(c.bucket) }),
    );
    // an import manifest is not a valid export manifest: JobService judged it as Export
    expect(['MissingManifestField', 'InvalidManifestField']).toContain(codeOf(reply));
  });
});
