import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueJobs, StationJobs } from '../../src/jobs/index.js';
import { openStore, SqlStore } from '../../src/store/index.js';
import {
  fieldsOf,
  relayedMails,
  replyTo,
  sendCommand,
  startRelay,
  waitForMail,
  type CommandMail,
  type Credentials,
  type RelayProcess,
} from '../helpers/mail-peers.js';
import { deeplyNestedMail, malformedMail, utf16Manifest } from '../helpers/mail-messages.js';
import {
  admin,
  mailAccount,
  newMailServer,
  startServer,
  stopServer,
  type MailServer,
} from '../helpers/mail-serve.js';
import { freePort } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// `longshore serve` as a real process, commands sent by real SMTP clients (nodemailer, swaks), replies
// received by a real SMTP server in another process (aiosmtpd), accounts made with `longshore admin`.

const SERVICE = 'importexport@localhost';

/** Opens the stopped server's data directory in-process (the station's steps, backdating). */
async function withStore<T>(server: MailServer, fn: (store: SqlStore) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: server.dataDir });
  try {
    return await fn(store as SqlStore);
  } finally {
    await store.close();
  }
}

function swaks(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('swaks', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** The error of a send that must fail. */
async function refusal(sending: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> {
  try {
    await sending;
  } catch (err) {
    return err as { responseCode?: number; response?: string };
  }
  throw new Error('the mail was accepted');
}

describe('e-mail commands through real SMTP peers', () => {
  let server: MailServer;
  let relay: RelayProcess;
  let main: Credentials;
  let other: Credentials;
  let notSignedUp: Credentials;
  let problem: Credentials;
  const jobs = { loaded: '', expired: '' };
  const manifestFor = (bucket: string, extra = '') =>
    importManifest(bucket, `notificationEmail: watcher@example.net\n${extra}`);

  /** Sends a command from the main account and returns its reply's body fields. */
  async function command(mail: Partial<CommandMail>, auth: Credentials = main, from = 'main@example.org') {
    const sent = await sendCommand(server.smtpPort, auth, { from, ...mail });
    const reply = await replyTo(relay.dir, sent.messageId);
    return { ...sent, reply, fields: fieldsOf(reply.text) };
  }

  const attach = (manifest: string | Buffer, filename = 'manifest.yaml') => ({
    attachments: [{ filename, content: manifest }],
  });

  beforeAll(async () => {
    const relayPort = await freePort();
    relay = await startRelay(relayPort, await mkdtemp(join(tmpdir(), 'longshore-relay-')));
    server = await newMailServer([
      '--smtp-relay',
      `smtp://127.0.0.1:${relayPort}`,
      '--outbox-retry-max-seconds',
      '1',
      '--smtp-rate-limit',
      '1000',
    ]);
    await startServer(server);
    [main, other, notSignedUp, problem] = await Promise.all([
      mailAccount(server, 'main@example.org'),
      mailAccount(server, 'other@example.org'),
      mailAccount(server, 'notsigned@example.org', ['--not-signed-up']),
      mailAccount(server, 'problem@example.org'),
    ]);
    await Promise.all([
      admin(server, ['account', 'update', problem.user, '--problem']),
      admin(server, ['bucket', 'create', 'mail-photos', '--owner', main.user]),
      admin(server, ['bucket', 'create', 'other-photos', '--owner', other.user]),
    ]);

    // Two jobs mailed in, then moved on with the server stopped: one loaded and returned by the
    // station, one past its expiry. The restarted server's notifier reports both.
    for (const name of ['loaded', 'expired'] as const) {
      const created = await command({ subject: 'CREATE JOB', ...attach(manifestFor('mail-photos')) });
      jobs[name] = created.fields['JOBID']!;
    }
    await stopServer(server);
    await withStore(server, async (store) => {
      const station = new StationJobs({ store, signingKey: Buffer.alloc(32) });
      await station.receiveDevice(jobs.loaded, 'dock-1');
      await station.startLoad(jobs.loaded, 'dock-1');
      await station.finishLoad(jobs.loaded, 'dock-1', {
        errorCount: 0,
        logBucket: 'mail-photos',
        logKey: `import-log-${jobs.loaded}.csv`,
      });
      await station.returnDevice(jobs.loaded, 'dock-1', 'UPS', '1Z999AA10123456784');
      await store.db.query(`UPDATE jobs SET created_at = now() - interval '40 days' WHERE job_id = $1`, [
        jobs.expired,
      ]);
      await expireDueJobs({ store, expiryDays: 30 });
    });
    await startServer(server);
  }, 120_000);

  afterAll(async () => {
    await stopServer(server);
    await relay.stop();
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(relay.dir, { recursive: true, force: true });
  });

  it('prints the SMTP listener and where outgoing mail goes', () => {
    const output = server.proc!.output();
    expect(output).toContain(
      `SMTP             smtp://127.0.0.1:${server.smtpPort} (service address ${SERVICE}`,
    );
    expect(output).toContain(`outgoing mail    relay smtp://127.0.0.1:${relay.port}`);
  });

  it('answers a CREATE JOB sent by swaks (AUTH PLAIN, STARTTLS) with the JOBID and the SIGNATURE', async () => {
    const manifest = join(server.dataDir, 'manifest.yaml');
    await writeFile(manifest, manifestFor('mail-photos'));
    const messageId = `<swaks-${randomBytes(4).toString('hex')}@client.test>`;
    const sent = await swaks([
      ...['--server', `127.0.0.1:${server.smtpPort}`, '--tls', '--auth', 'PLAIN'],
      ...['--auth-user', main.user, '--auth-password', main.pass],
      ...['--from', 'main@example.org', '--to', SERVICE],
      ...['--header', 'Subject: CREATE JOB', '--header', `Message-Id: ${messageId}`],
      ...['--attach', `@${manifest}`],
    ]);
    expect(sent.code, sent.output).toBe(0);
    expect(sent.output).toMatch(/250 OK: reply queued as \S+/);
    const reply = await replyTo(relay.dir, messageId);
    expect(reply.rcptTo).toBe('main@example.org');
    expect(reply.mail.subject).toBe('RE: CREATE JOB');
    expect(reply.text.split('\n')[0]).toBe('SUCCESS');
    const fields = fieldsOf(reply.text);
    expect(fields['JOBID']).toMatch(/^[1-9A-NP-Z]{5}$/);
    expect(fields['DEVICE CODE']).toBe('NotReceived');
    expect(fields['JOB CODE']).toBe('Pending');
    const signature = reply.mail.attachments.find((a) => a.filename === 'SIGNATURE');
    expect(signature?.content.toString()).toContain(`jobId:${fields['JOBID']}`);
    expect(reply.mail.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('answers GET STATUS with the seed’s DEVICE CODE and JOB CODE', async () => {
    const fresh = await command({ subject: 'GET STATUS', text: `JOBID: ${jobs.expired}` });
    expect(fresh.fields).toMatchObject({
      JOBID: jobs.expired,
      'DEVICE CODE': 'NotReceived',
      'JOB CODE': 'Expired',
    });
    const loaded = await command({ subject: 'GET STATUS', text: `JOBID: ${jobs.loaded.toLowerCase()}` });
    expect(loaded.reply.text.split('\n')[0]).toBe('SUCCESS');
    expect(loaded.fields).toMatchObject({
      JOBID: jobs.loaded,
      'DEVICE CODE': 'Returned',
      'DEVICE DESCRIPTION': 'The device was sent back with UPS; tracking number 1Z999AA10123456784.',
      'JOB CODE': 'Success',
    });
    expect(loaded.fields['JOB DESCRIPTION']).toContain(`s3://mail-photos/import-log-${jobs.loaded}.csv`);
  });

  it('notifies the account and the manifest’s addresses of receipt, load, return and expiry', async () => {
    const subjects = [
      `JOB ${jobs.loaded}: DEVICE RECEIVED`,
      `JOB ${jobs.loaded}: LOAD FINISHED`,
      `JOB ${jobs.loaded}: DEVICE RETURNED`,
      `JOB ${jobs.expired}: JOB EXPIRED`,
    ];
    for (const subject of subjects) {
      for (const to of ['main@example.org', 'watcher@example.net']) {
        await waitForMail(relay.dir, (m) => m.mail.subject === subject && m.rcptTo === to);
      }
    }
    const all = await relayedMails(relay.dir);
    const finished = all.find((m) => m.mail.subject === subjects[1])!;
    expect(fieldsOf(finished.text)).toMatchObject({
      'ERROR COUNT': '0',
      LOG: `s3://mail-photos/import-log-${jobs.loaded}.csv`,
      'JOB CODE': 'Success',
    });
    const returned = all.find((m) => m.mail.subject === subjects[2])!;
    expect(fieldsOf(returned.text)).toMatchObject({
      CARRIER: 'UPS',
      'TRACKING NUMBER': '1Z999AA10123456784',
    });
    for (const subject of subjects) expect(all.filter((m) => m.mail.subject === subject)).toHaveLength(2);
  });

  describe('every e-mail error code of the seed, from its real situation', () => {
    const codeOf = async (mail: Partial<CommandMail>, auth?: Credentials, from?: string) => {
      const { reply, fields } = await command(mail, auth, from);
      expect(reply.text.split('\n')[0]).toBe('ERROR');
      expect(fields['RECOMMENDED ACTION']).toBeTruthy();
      return fields;
    };

    it('AccessDenied: the manifest names a bucket of another account', async () => {
      const fields = await codeOf({ subject: 'CREATE JOB', ...attach(manifestFor('other-photos')) });
      expect(fields['CODE']).toBe('AccessDenied');
    });

    it('AccountProblem: the account is flagged by the operator', async () => {
      const fields = await codeOf({ subject: 'LIST JOBS' }, problem, 'problem@example.org');
      expect(fields['CODE']).toBe('AccountProblem');
    });

    it('CanceledJobId: the job was canceled', async () => {
      const created = await command({ subject: 'CREATE JOB', ...attach(manifestFor('mail-photos')) });
      const jobId = created.fields['JOBID']!;
      const canceled = await command({ subject: 'CANCEL JOB', text: `JOBID: ${jobId}` });
      expect(canceled.fields).toMatchObject({ JOBID: jobId, CANCELED: 'true' });
      expect((await codeOf({ subject: 'GET STATUS', text: `JOBID: ${jobId}` }))['CODE']).toBe(
        'CanceledJobId',
      );
    });

    it('ExpiredJobId: the job expired', async () => {
      const fields = await codeOf({ subject: 'CANCEL JOB', text: `JOBID: ${jobs.expired}` });
      expect(fields['CODE']).toBe('ExpiredJobId');
    });

    it('InvalidAccess Key ID: the manifest carries another account’s key', async () => {
      const manifest = manifestFor('mail-photos', `accessKeyId: ${other.user}\n`);
      const fields = await codeOf({ subject: 'CREATE JOB', ...attach(manifest) });
      expect(fields['CODE']).toBe('InvalidAccess Key ID');
    });

    it('InvalidManifestField: a field with a wrong value, named in the reply', async () => {
      const manifest = manifestFor('mail-photos').replace('eraseDevice: yes', 'eraseDevice: perhaps');
      const fields = await codeOf({ subject: 'CREATE JOB', ...attach(manifest) });
      expect(fields['CODE']).toBe('InvalidManifestField');
      expect(fields['DESCRIPTION']).toContain('eraseDevice');
    });

    it('InvalidJobId: no such job for the account', async () => {
      const fields = await codeOf({ subject: 'GET STATUS', text: 'JOBID: ZZZZ9' });
      expect(fields['CODE']).toBe('InvalidJobId');
      const others = await codeOf(
        { subject: 'GET STATUS', text: `JOBID: ${jobs.loaded}` },
        other,
        'other@example.org',
      );
      expect(others['CODE']).toBe('InvalidJobId');
    });

    it('InvalidSender: a From: not registered to the authenticated account is refused at DATA (550)', async () => {
      const before = (await relayedMails(relay.dir)).length;
      const refused = await refusal(
        sendCommand(server.smtpPort, main, { from: 'other@example.org', subject: 'LIST JOBS' }),
      );
      expect(refused.responseCode).toBe(550);
      expect(refused.response).toContain('InvalidSender');
      const stranger = await refusal(
        sendCommand(server.smtpPort, main, { from: 'x@nowhere.test', subject: 'LIST JOBS' }),
      );
      expect(stranger.response).toContain('InvalidSender');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await relayedMails(relay.dir)).length).toBe(before); // nobody gets a reply
    });

    it('MissingManifestAttachment: CREATE JOB without a manifest', async () => {
      const fields = await codeOf({ subject: 'CREATE JOB', text: 'forgot it' });
      expect(fields['CODE']).toBe('MissingManifestAttachment');
    });

    it('MissingManifestField: a required field is missing, named in the reply', async () => {
      const manifest = manifestFor('mail-photos').replace('deviceId: WD-12345\n', '');
      const fields = await codeOf({ subject: 'CREATE JOB', ...attach(manifest) });
      expect(fields['CODE']).toBe('MissingManifestField');
      expect(fields['DESCRIPTION']).toContain('deviceId');
    });

    it('NoSuchBucket: the manifest names a bucket that does not exist', async () => {
      const fields = await codeOf({ subject: 'CREATE JOB', ...attach(manifestFor('no-such-bucket-here')) });
      expect(fields['CODE']).toBe('NoSuchBucket');
    });

    it('NotSignedUp: the account is not signed up', async () => {
      const fields = await codeOf({ subject: 'LIST JOBS' }, notSignedUp, 'notsigned@example.org');
      expect(fields['CODE']).toBe('NotSignedUp');
    });

    it('UnableToCancelJobId: the job is finished', async () => {
      const fields = await codeOf({ subject: 'CANCEL JOB', text: `JOBID: ${jobs.loaded}` });
      expect(fields['CODE']).toBe('UnableToCancelJobId');
    });
  });

  describe('bad input: a clear reply or SMTP error, and the server keeps running', () => {
    it('a mail with no subject, and an unknown command, get the list of commands', async () => {
      for (const subject of [undefined, 'HELLO THERE']) {
        const { reply, fields } = await command({ ...(subject ? { subject } : {}), text: 'hi' });
        expect(fields['CODE']).toBe('UnknownCommand');
        expect(fields['DESCRIPTION']).toContain(
          'CREATE JOB, UPDATE JOB, CANCEL JOB, GET STATUS and LIST JOBS',
        );
        expect(reply.mail.subject).toBe(subject ? `RE: ${subject}` : 'RE: (no subject)');
      }
    });

    it('500 recipients: every other address refused at RCPT, the command answered', async () => {
      const others = Array.from({ length: 499 }, (_, i) => `r${i}@example.org`);
      const { fields, rejected } = await command({ subject: 'LIST JOBS', to: [...others, SERVICE] });
      expect(rejected).toHaveLength(499);
      expect(fields['JOBS']).toBeDefined();
    });

    it('malformed MIME and 100-deep multiparts', async () => {
      const malformed = await command({ raw: malformedMail('main@example.org') });
      expect(malformed.reply.text.split('\n')[0]).toBe('SUCCESS');
      const nested = await command({
        raw: deeplyNestedMail('main@example.org', 100, manifestFor('mail-photos')),
      });
      expect(nested.reply.mail.subject).toBe('RE: CREATE JOB');
      expect(nested.fields['JOBID']).toMatch(/^[1-9A-NP-Z]{5}$/); // the manifest at the bottom was found
    });

    it('a 9 MiB base64 attachment is read (and is no manifest); 11 MiB is refused with 552', async () => {
      const image = randomBytes(Math.floor((9 * 1024 * 1024 * 3) / 4));
      const big = await command({ subject: 'CREATE JOB', ...attach(image, 'disk.img') });
      expect(big.fields['CODE']).toBe('MissingManifestAttachment');
      const huge = await refusal(
        sendCommand(server.smtpPort, main, {
          from: 'main@example.org',
          subject: 'CREATE JOB',
          attachments: [{ filename: 'disk.img', content: randomBytes(8 * 1024 * 1024) }],
        }),
      );
      expect(huge.responseCode).toBe(552);
    });

    it('a manifest in UTF-16 is read', async () => {
      const { fields } = await command({
        subject: 'CREATE JOB',
        ...attach(utf16Manifest(manifestFor('mail-photos'))),
      });
      expect(fields['JOBID']).toMatch(/^[1-9A-NP-Z]{5}$/);
    });

    it('unauthenticated mail is refused with 530 (requireAuth is on by default)', async () => {
      const refused = await refusal(
        sendCommand(server.smtpPort, null, { from: 'main@example.org', subject: 'LIST JOBS' }),
      );
      expect(refused.responseCode).toBe(530);
      const wrong = await refusal(
        sendCommand(
          server.smtpPort,
          { user: main.user, pass: 'not-the-secret' },
          { from: 'main@example.org', subject: 'LIST JOBS' },
        ),
      );
      expect(wrong.responseCode).toBe(535);
    });

    it('after all of it, a command still works', async () => {
      const { fields } = await command({ subject: 'LIST JOBS' });
      expect(Number(fields['JOBS'])).toBeGreaterThanOrEqual(5);
      expect(server.proc!.output()).not.toMatch(/longshore: (Error|TypeError|RangeError)/);
    });
  });
});
