import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  relayedMails,
  replyTo,
  sendCommand,
  startRelay,
  type Credentials,
  type RelayProcess,
} from '../helpers/mail-peers.js';
import {
  mailAccount,
  newMailServer,
  startServer,
  stopServer,
  type MailServer,
} from '../helpers/mail-serve.js';
import { freePort } from '../helpers/processes.js';

// Where replies go: an SMTP relay that is down for a while (a real aiosmtpd process started late),
// across restarts of a real `longshore serve`; or, with no relay, the data directory's outbox folder.

describe('outgoing mail when the relay is down', () => {
  let server: MailServer;
  let relayPort: number;
  let relayDir: string;
  let relay: RelayProcess | null = null;
  let main: Credentials;

  beforeAll(async () => {
    relayPort = await freePort();
    relayDir = await mkdtemp(join(tmpdir(), 'longshore-relay-'));
    server = await newMailServer([
      '--smtp-relay',
      `smtp://127.0.0.1:${relayPort}`,
      '--outbox-retry-max-seconds',
      '1',
    ]);
    await startServer(server);
    main = await mailAccount(server, 'down@example.org');
  }, 60_000);

  afterAll(async () => {
    await stopServer(server);
    await relay?.stop();
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(relayDir, { recursive: true, force: true });
  });

  const list = () => sendCommand(server.smtpPort, main, { from: 'down@example.org', subject: 'LIST JOBS' });
  const repliesTo = async (messageId: string) =>
    (await relayedMails(relayDir)).filter((m) => m.mail.inReplyTo === messageId);

  it('keeps the reply through a restart and delivers it once when the relay is back', async () => {
    const first = await list();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a few failed attempts
    await stopServer(server);
    relay = await startRelay(relayPort, relayDir);
    await startServer(server);
    await replyTo(relayDir, first.messageId);
    const second = await list();
    await replyTo(relayDir, second.messageId);
    await stopServer(server);
    await startServer(server);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await repliesTo(first.messageId)).toHaveLength(1);
    expect(await repliesTo(second.messageId)).toHaveLength(1);
  });

  it('retries with backoff while the relay is down and delivers once when it is up again', async () => {
    await relay!.stop();
    relay = null;
    const sent = await list();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await repliesTo(sent.messageId)).toHaveLength(0);
    relay = await startRelay(relayPort, relayDir);
    await replyTo(relayDir, sent.messageId, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await repliesTo(sent.messageId)).toHaveLength(1);
    const mail = (await repliesTo(sent.messageId))[0]!;
    expect(mail.mail.messageId).toMatch(/^<\d{8}T\d{6}Z-[0-9a-f]{12}@localhost>$/);
  });
});

describe('outgoing mail without a relay', () => {
  let server: MailServer;

  beforeAll(async () => {
    server = await newMailServer(['--smtp-require-auth', 'false']);
    await startServer(server);
  }, 60_000);

  afterAll(async () => {
    await stopServer(server);
    await rm(server.dataDir, { recursive: true, force: true });
  });

  it('writes each reply as <data-dir>/outbox/<id>.eml', async () => {
    expect(server.proc!.output()).toContain(`outgoing mail    folder ${join(server.dataDir, 'outbox')}`);
    const keys = await mailAccount(server, 'folder@example.org');
    const sent = await sendCommand(server.smtpPort, keys, {
      from: 'folder@example.org',
      subject: 'LIST JOBS',
    });
    const id = /reply queued as (\S+)/.exec(sent.response)?.[1];
    const file = join(server.dataDir, 'outbox', `${id}.eml`);
    for (let i = 0; i < 100 && !(await stat(file).catch(() => null)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const reply = await simpleParser(await readFile(file));
    expect(reply.to && 'text' in reply.to ? reply.to.text : '').toBe('folder@example.org');
    expect(reply.subject).toBe('RE: LIST JOBS');
    expect(reply.inReplyTo).toBe(sent.messageId);
    expect(reply.text).toMatch(/^SUCCESS\nJOBS: 0\n/);
    expect((await readdir(join(server.dataDir, 'outbox'))).filter((f) => !f.endsWith('.eml'))).toEqual([]);
  });

  it('takes unauthenticated mail with --smtp-require-auth false, acting for the From: address', async () => {
    await mailAccount(server, 'open@example.org');
    const sent = await sendCommand(server.smtpPort, null, { from: 'open@example.org', subject: 'LIST JOBS' });
    expect(sent.response).toContain('reply queued as');
  });

  it('keeps its self-signed STARTTLS certificate in the data directory, owner-only', async () => {
    for (const name of ['smtp-cert.pem', 'smtp-key.pem']) {
      expect((await stat(join(server.dataDir, name))).mode & 0o077).toBe(0);
    }
  });
});
