import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMail, IntakeOutcome } from '../../../src/mail/mail-intake.js';
import {
  startSmtpListener,
  type SmtpListener,
  type SmtpListenerOptions,
} from '../../../src/mail/smtp-listener.js';
import { loadSmtpTls } from '../../../src/mail/tls-certificate.js';

const SERVICE = 'importexport@longshore.test';
const KEY = 'LSIATESTKEY000000001';
const SECRET = 'secret/with+chars=0123456789abcdefghijkl';

let dataDir: string;
let tls: { cert: string; key: string };
const received: IncomingMail[] = [];
const errors: unknown[] = [];
let outcome: (mail: IncomingMail) => Promise<IntakeOutcome> = async () => ({
  kind: 'queued',
  outboxId: 'X1',
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-smtp-'));
  tls = await loadSmtpTls({ dataDir, hostname: 'longshore.test' });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function listen(options: Partial<SmtpListenerOptions> = {}): Promise<SmtpListener> {
  return startSmtpListener({
    host: '127.0.0.1',
    port: 0,
    serviceAddress: SERVICE,
    tls,
    requireAuth: true,
    maxMessageSize: 64 * 1024,
    rateLimit: 100,
    authenticate: async (user, pass) => (user === KEY && pass === SECRET ? KEY : null),
    receive: async (mail) => {
      received.push(mail);
      return outcome(mail);
    },
    onError: (err) => errors.push(err),
    ...options,
  });
}

interface SendOptions {
  auth?: { user: string; pass: string } | null;
  authMethod?: string;
  ignoreTLS?: boolean;
  to?: string[];
  from?: string;
  text?: string;
}

function send(listener: SmtpListener, opts: SendOptions = {}) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: opts.ignoreTLS ?? false,
    tls: { rejectUnauthorized: false },
    ...(opts.auth === null ? {} : { auth: opts.auth ?? { user: KEY, pass: SECRET } }),
    ...(opts.authMethod ? { authMethod: opts.authMethod } : {}),
  });
  return transport
    .sendMail({
      from: opts.from ?? 'customer@example.org',
      to: opts.to ?? [SERVICE],
      subject: 'GET STATUS',
      text: opts.text ?? 'JOBID: ABCDE',
    })
    .finally(() => transport.close());
}

/** The error a send fails with (fails the test when it succeeds). */
async function failure(
  sending: Promise<unknown>,
): Promise<{ responseCode?: number; response?: string; message: string }> {
  try {
    await sending;
  } catch (err) {
    return err as { responseCode?: number; response?: string; message: string };
  }
  throw new Error('the send succeeded');
}

describe('SMTP listener', () => {
  let listener: SmtpListener;
  beforeAll(async () => {
    listener = await listen();
  });
  afterAll(() => listener.close());

  it('listens on smtp://HOST:PORT', () => {
    expect(listener.url).toBe(`smtp://127.0.0.1:${listener.port}`);
  });

  it('accepts mail after STARTTLS and AUTH PLAIN or LOGIN, and passes on the authenticated key', async () => {
    received.length = 0;
    for (const authMethod of ['PLAIN', 'LOGIN']) {
      const info = await send(listener, { authMethod });
      expect(info.response).toContain('reply queued as X1');
    }
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({ mailFrom: 'customer@example.org', authenticatedKey: KEY });
    expect(received[0]!.raw.toString()).toContain('Subject: GET STATUS');
  });

  it('accepts AUTH without TLS from a loopback client', async () => {
    const info = await send(listener, { ignoreTLS: true });
    expect(info.accepted).toEqual([SERVICE]);
  });

  it('refuses mail without AUTH (530) and a wrong secret (535)', async () => {
    expect((await failure(send(listener, { auth: null }))).responseCode).toBe(530);
    expect((await failure(send(listener, { auth: { user: KEY, pass: 'wrong' } }))).responseCode).toBe(535);
    expect(
      (await failure(send(listener, { auth: { user: 'LSIAUNKNOWN', pass: SECRET } }))).responseCode,
    ).toBe(535);
  });

  it('refuses any recipient other than the service address at RCPT (550)', async () => {
    const refused = await failure(send(listener, { to: ['someone@example.org'] }));
    expect(refused.responseCode).toBe(550);
    expect(refused.response).toContain(SERVICE);
    const mixed = await send(listener, {
      to: ['someone@example.org', SERVICE.toUpperCase(), 'x@example.org'],
    });
    expect(mixed.accepted).toEqual(['IMPORTEXPORT@longshore.test']);
    expect(mixed.rejected).toEqual(['someone@example.org', 'x@example.org']);
  });

  it('takes 500 recipients: each other address refused, the command still accepted', async () => {
    const to = Array.from({ length: 499 }, (_, i) => `r${i}@example.org`);
    const info = await send(listener, { to: [...to.slice(0, 250), SERVICE, ...to.slice(250)] });
    expect(info.accepted).toEqual([SERVICE]);
    expect(info.rejected).toHaveLength(499);
  });

  it('refuses a mail over the size limit with 552 and keeps serving', async () => {
    const refused = await failure(send(listener, { text: 'x'.repeat(100 * 1024) }));
    expect(refused.responseCode).toBe(552);
    expect((await send(listener)).accepted).toEqual([SERVICE]);
  });

  it('answers what the intake decided: 550 for a refusal, 451 when it fails', async () => {
    outcome = async () => ({ kind: 'refused', code: 550, message: 'InvalidSender: not registered' });
    const refused = await failure(send(listener));
    expect(refused.responseCode).toBe(550);
    expect(refused.response).toContain('InvalidSender');
    outcome = async () => {
      throw new Error('database is down');
    };
    expect((await failure(send(listener))).responseCode).toBe(451);
    expect(String(errors.at(-1))).toContain('database is down');
    outcome = async () => ({ kind: 'ignored', reason: 'a bounce' });
    expect((await send(listener)).response).toContain('not answered: a bounce');
    outcome = async () => ({ kind: 'queued', outboxId: 'X1' });
  });
});

describe('SMTP listener limits', () => {
  it('defers a sender over the rate limit with 450, per authenticated key', async () => {
    const listener = await listen({ rateLimit: 2 });
    try {
      await send(listener);
      await send(listener);
      const deferred = await failure(send(listener));
      expect(deferred.responseCode).toBe(450);
      expect(deferred.response).toContain(KEY);
    } finally {
      await listener.close();
    }
  });

  it('takes unauthenticated mail when AUTH is not required, without a key', async () => {
    const listener = await listen({ requireAuth: false });
    try {
      received.length = 0;
      await send(listener, { auth: null });
      expect(received[0]?.authenticatedKey).toBeNull();
    } finally {
      await listener.close();
    }
  });

  it('refuses to start on a port in use', async () => {
    const first = await listen();
    try {
      await expect(listen({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
