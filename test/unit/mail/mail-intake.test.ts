import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissions } from '../../../src/accounts/index.js';
import { MailCommands } from '../../../src/mail/index.js';
import { MailIntake, type IntakeOutcome } from '../../../src/mail/mail-intake.js';
import { Outbox } from '../../../src/mail/outbox.js';
import {
  deeplyNestedMail,
  mailWithAttachment,
  malformedMail,
  plainMail,
  utf16Manifest,
} from '../../helpers/mail-messages.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';

let s: TestServices;
let intake: MailIntake;
const errors: unknown[] = [];
beforeAll(async () => {
  s = await makeServices();
  const outbox = new Outbox({ store: s.store, address: 'importexport@localhost', now: s.clock.now });
  const commands = new MailCommands({
    jobs: s.jobs,
    permissions: new Permissions(s.store),
    now: s.clock.now,
  });
  intake = new MailIntake({
    commands,
    outbox,
    serviceAddress: 'importexport@localhost',
    onError: (e) => errors.push(e),
  });
});
afterAll(() => s.close());

let seq = 0;
async function customer() {
  const bucket = `intake-${++seq}`;
  const keys = await customerWithBucket(s, bucket);
  return { bucket, address: `${bucket}@example.org`, ...keys };
}

/** The reply an outcome queued: its recipient, subject, body and attachment names. */
async function replyOf(outcome: IntakeOutcome) {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('queued');
  const id = outcome.kind === 'queued' ? outcome.outboxId : '';
  const message = (await s.store.listOutbox({ limit: 1000 })).find((m) => m.id === id)!;
  const parsed = await simpleParser(message.raw);
  return {
    to: message.recipient,
    subject: parsed.subject,
    text: parsed.text ?? '',
    attachments: parsed.attachments.map((a) => a.filename),
    inReplyTo: parsed.inReplyTo,
  };
}

const receive = (raw: string | Buffer, mailFrom: string, authenticatedKey: string | null = null) =>
  intake.receive({ raw: Buffer.from(raw), mailFrom, authenticatedKey });

describe('MailIntake', () => {
  it('queues the reply of a command to the registered sender, threaded under the command', async () => {
    const c = await customer();
    const raw = mailWithAttachment(c.address, 'CREATE JOB', 'see attached', {
      filename: 'manifest.yaml',
      contentType: 'text/yaml',
      bytes: Buffer.from(importManifest(c.bucket)),
    });
    const reply = await replyOf(await receive(raw, c.address, c.key));
    expect(reply.to).toBe(c.address);
    expect(reply.subject).toBe('RE: CREATE JOB');
    expect(reply.text).toMatch(/^SUCCESS\nJOBID: [1-9A-Z]{5}\n/);
    expect(reply.attachments).toEqual(['SIGNATURE']);
    expect(reply.inReplyTo).toMatch(/@client\.test>$/);
  });

  it('answers a mail without a subject, and an unknown command, with the list of commands', async () => {
    const c = await customer();
    for (const subject of [null, 'PLEASE HELP']) {
      const reply = await replyOf(await receive(plainMail(c.address, subject, 'hello'), c.address, c.key));
      expect(reply.subject).toBe(subject === null ? 'RE: (no subject)' : 'RE: PLEASE HELP');
      expect(reply.text).toContain('CODE: UnknownCommand');
      expect(reply.text).toContain('CREATE JOB, UPDATE JOB, CANCEL JOB, GET STATUS and LIST JOBS');
    }
  });

  it('refuses a From: that is not the authenticated account’s with 550 InvalidSender', async () => {
    const [a, b] = [await customer(), await customer()];
    const outcome = await receive(plainMail(b.address, 'LIST JOBS', ''), a.address, a.key);
    expect(outcome).toMatchObject({ kind: 'refused', code: 550 });
    expect(outcome.kind === 'refused' && outcome.message).toMatch(/^InvalidSender: /);
    const unknown = await receive(plainMail('stranger@example.org', 'LIST JOBS', ''), 'stranger@example.org');
    expect(unknown).toMatchObject({ kind: 'refused', code: 550 });
  });

  it('reads a manifest in UTF-16', async () => {
    const c = await customer();
    const raw = mailWithAttachment(c.address, 'CREATE JOB', '', {
      filename: 'manifest.txt',
      contentType: 'text/plain',
      bytes: utf16Manifest(importManifest(c.bucket)),
    });
    expect((await replyOf(await receive(raw, c.address, c.key))).text).toMatch(/^SUCCESS\n/);
  });

  it('answers malformed MIME, 100-deep multiparts and a 9 MiB attachment with clear replies', async () => {
    const c = await customer();
    const malformed = await replyOf(await receive(malformedMail(c.address), c.address, c.key));
    expect(malformed.text).toMatch(/^SUCCESS\nJOBS: 0\n/);

    const nested = await replyOf(
      await receive(deeplyNestedMail(c.address, 100, importManifest(c.bucket)), c.address),
    );
    expect(nested.subject).toBe('RE: CREATE JOB');
    expect(nested.text).toMatch(/^SUCCESS\nJOBID: /); // the manifest at the bottom was found

    const big = mailWithAttachment(c.address, 'CREATE JOB', 'the disk image', {
      filename: 'disk.img',
      contentType: 'application/octet-stream',
      bytes: randomBytes(Math.floor((9 * 1024 * 1024 * 3) / 4)),
    });
    expect(big.length).toBeGreaterThan(9 * 1024 * 1024);
    const reply = await replyOf(await receive(big, c.address, c.key));
    expect(reply.text).toContain('CODE: MissingManifestAttachment');
  });

  it('never answers bounces, automatic mail or mail from its own address', async () => {
    const c = await customer();
    const before = (await s.store.listOutbox({ limit: 1000 })).length;
    expect(await receive(plainMail(c.address, 'LIST JOBS', ''), '')).toMatchObject({ kind: 'ignored' });
    const auto = plainMail(c.address, 'LIST JOBS', '').replace(
      'MIME-Version',
      'Auto-Submitted: auto-replied\r\nMIME-Version',
    );
    expect(await receive(auto, c.address, c.key)).toMatchObject({ kind: 'ignored' });
    const self = plainMail('importexport@localhost', 'LIST JOBS', '');
    expect(await receive(self, 'importexport@localhost')).toMatchObject({ kind: 'ignored' });
    const no = plainMail(c.address, 'LIST JOBS', '').replace(
      'MIME-Version',
      'Auto-Submitted: no\r\nMIME-Version',
    );
    expect((await receive(no, c.address, c.key)).kind).toBe('queued');
    expect((await s.store.listOutbox({ limit: 1000 })).length).toBe(before + 1);
  });
});
