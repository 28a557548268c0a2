import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FolderDelivery, RelayDelivery, type MailDelivery } from '../../../src/mail/delivery.js';
import { Outbox } from '../../../src/mail/outbox.js';
import { OutboxSender, retryDelayMs } from '../../../src/mail/outbox-sender.js';
import { openStore, SqlStore, type OutboxMessage, type Store } from '../../../src/store/index.js';
import { freePort } from '../../helpers/processes.js';
import { TestClock } from '../../helpers/services.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

let store: Store;
let clock: TestClock;
let outbox: Outbox;
const errors: unknown[] = [];
const senders: OutboxSender[] = [];
const sinks: SmtpSink[] = [];

beforeAll(async () => {
  store = await openStore({ inMemory: true });
});
afterAll(() => store.close());
beforeEach(async () => {
  await (store as SqlStore).db.query('DELETE FROM outbox');
  clock = new TestClock();
  outbox = new Outbox({ store, address: 'importexport@longshore.test', now: clock.now });
  errors.length = 0;
});
afterEach(async () => {
  for (const sender of senders.splice(0)) await sender.stop();
  for (const sink of sinks.splice(0)) await sink.close();
});

function sender(delivery: MailDelivery, retryMaxSeconds = 60): OutboxSender {
  const created = new OutboxSender({
    store,
    delivery,
    retryMaxSeconds,
    onError: (err) => errors.push(err),
    now: clock.now,
    random: () => 0,
  });
  senders.push(created);
  return created;
}

async function sink(port: number, options?: Parameters<typeof startSmtpSink>[1]): Promise<SmtpSink> {
  const started = await startSmtpSink(port, options);
  sinks.push(started);
  return started;
}

function reply(to: string, subject = 'RE: GET STATUS') {
  return {
    kind: 'reply' as const,
    jobId: null,
    to,
    subject,
    text: 'SUCCESS\nJOBID: ABCDE\n',
    date: clock.now(),
  };
}

async function enqueue(to = 'customer@example.org'): Promise<OutboxMessage> {
  const [message] = await outbox.enqueue([reply(to)]);
  return message!;
}

const stateOf = async (id: string) => (await store.listOutbox({ limit: 100 })).find((m) => m.id === id);

describe('retryDelayMs', () => {
  it('doubles from one second up to the maximum, with a random half on top of half', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 600, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 600, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(40, 600, () => 0)).toBe(300_000);
    expect(retryDelayMs(40, 600, () => 0.999999)).toBe(600_000);
    expect(retryDelayMs(0, 600, () => 0)).toBe(500);
  });
});

describe('OutboxSender through a relay', () => {
  it('retries with backoff while the relay is down, then delivers once', async () => {
    const port = await freePort();
    const relay = sender(new RelayDelivery(`smtp://127.0.0.1:${port}`), 60);
    const message = await enqueue();

    expect(await relay.runOnce()).toBe(0);
    const failed = await stateOf(message.id);
    expect(failed).toMatchObject({ state: 'pending', attempts: 1, leaseOwner: null });
    expect(failed?.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(failed?.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 500));
    expect(await relay.runOnce()).toBe(0); // not due yet: no new attempt
    expect((await stateOf(message.id))?.attempts).toBe(1);

    clock.current = new Date(clock.current.getTime() + 500);
    expect(await relay.runOnce()).toBe(0);
    expect((await stateOf(message.id))?.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 1000));

    const up = await sink(port);
    clock.current = new Date(clock.current.getTime() + 1000);
    expect(await relay.runOnce()).toBe(1);
    expect(await relay.runOnce()).toBe(0);
    expect(await sender(new RelayDelivery(`smtp://127.0.0.1:${port}`)).runOnce()).toBe(0); // a restart
    expect(up.mails).toHaveLength(1);
    expect(up.mails[0]).toMatchObject({ from: 'importexport@longshore.test', to: ['customer@example.org'] });
    const parsed = await simpleParser(up.mails[0]!.raw);
    expect(parsed.messageId).toBe(`<${message.id}@longshore.test>`);
    expect(parsed.subject).toBe('RE: GET STATUS');
    expect(await stateOf(message.id)).toMatchObject({ state: 'sent', attempts: 3, sentAt: clock.now() });
  });

  it('keeps a message the relay refuses for good as failed, and retries a temporary refusal', async () => {
    const port = await freePort();
    await sink(port, {
      rejectRcpt: (address) => (address.startsWith('gone') ? 550 : address.startsWith('busy') ? 451 : null),
    });
    const relay = sender(new RelayDelivery(`smtp://127.0.0.1:${port}`));
    const gone = await enqueue('gone@example.org');
    const busy = await enqueue('busy@example.org');
    expect(await relay.runOnce()).toBe(0);
    expect(await stateOf(gone.id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect((await stateOf(gone.id))?.lastError).toMatch(/550/);
    expect(await stateOf(busy.id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(errors.map(String).join('\n')).toContain(gone.id);
  });

  it('start() delivers what is enqueued without waiting for the next poll, and stop() waits', async () => {
    const port = await freePort();
    const up = await sink(port);
    const relay = new OutboxSender({
      store,
      delivery: new RelayDelivery(`smtp://127.0.0.1:${port}`),
      retryMaxSeconds: 1,
      onError: (err) => errors.push(err),
      pollMs: 60_000,
    });
    const live = new Outbox({
      store,
      address: 'importexport@longshore.test',
      onEnqueued: () => relay.wake(),
    });
    relay.start();
    await live.enqueue([reply('a@example.org'), reply('b@example.org')]);
    for (let i = 0; i < 100 && up.mails.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await relay.stop();
    expect(up.mails.map((m) => m.to[0]).sort()).toEqual(['a@example.org', 'b@example.org']);
  });
});

describe('OutboxSender leases', () => {
  /** A delivery that takes a while and records what it delivered. */
  function slowDelivery(delivered: string[]): MailDelivery {
    return {
      description: 'test',
      deliver: async (message) => {
        await new Promise((r) => setTimeout(r, 30));
        delivered.push(message.id);
      },
      close: () => {},
    };
  }

  it('never lets two senders deliver one message', async () => {
    const delivered: string[] = [];
    for (let i = 0; i < 12; i++) await enqueue(`c${i}@example.org`);
    const counts = await Promise.all([1, 2, 3].map(() => sender(slowDelivery(delivered)).runOnce()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(new Set(delivered).size).toBe(12);
    expect(delivered).toHaveLength(12);
  });

  it('takes over a message whose sender died mid-attempt once its lease ran out', async () => {
    const message = await enqueue();
    const now = clock.now();
    await store.claimOutbox({ owner: 'dead', now, leaseUntil: new Date(now.getTime() + 120_000), limit: 10 });
    const delivered: string[] = [];
    const survivor = sender(slowDelivery(delivered));
    expect(await survivor.runOnce()).toBe(0);
    clock.current = new Date(now.getTime() + 120_000);
    expect(await survivor.runOnce()).toBe(1);
    expect(delivered).toEqual([message.id]);
    expect(await stateOf(message.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });
});

describe('FolderDelivery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'longshore-outbox-')), 'outbox');
  });
  afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

  it('writes each message as <id>.eml, whole, once however often it is delivered', async () => {
    const message = await enqueue();
    const folder = new FolderDelivery(dir);
    expect(folder.description).toBe(`folder ${dir}`);
    expect(await sender(folder).runOnce()).toBe(1);
    await folder.deliver(message); // a retry after a crash between writing and marking sent
    expect(await readdir(dir)).toEqual([`${message.id}.eml`]);
    expect(await readFile(join(dir, `${message.id}.eml`), 'utf8')).toBe(message.raw);
    const parsed = await simpleParser(message.raw);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.from?.text).toContain('importexport@longshore.test');
  });
});
