import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxMessage, Store } from '../../src/store/index.js';
import { storeFactories } from '../helpers/databases.js';
import { account, countRows, event, job, minutes, mustCreate, sqlOf, T0 } from './store-fixtures.js';

function message(id: string, fields: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id,
    createdAt: T0,
    kind: 'reply',
    jobId: null,
    sender: 'importexport@localhost',
    recipient: 'customer@example.org',
    subject: 'RE: GET STATUS',
    raw: `Message-ID: <${id}@localhost>\r\nSubject: RE: GET STATUS\r\n\r\nSUCCESS\r\n`,
    ...fields,
  };
}

const claim = (store: Store, owner: string, now: Date, limit = 10) =>
  store.claimOutbox({ owner, now, leaseUntil: new Date(now.getTime() + 5 * 60_000), limit });

describe.each(storeFactories())('Store contract, outbox and notifier cursor: $name', (factory) => {
  let store: Store;

  beforeEach(async () => {
    store = await factory.open();
    await store.insertAccount(account('AKOWNER'));
  });

  afterEach(async () => {
    await store?.close();
  });

  describe('outbox', () => {
    it('keeps an enqueued message exactly, pending and due at its creation time', async () => {
      const text = message('M1', { kind: 'notification', jobId: 'AAAA1', subject: 'Zoë: JOB AAAA1' });
      await store.enqueueOutbox([text]);
      const [listed] = await store.listOutbox({ limit: 10 });
      expect(listed).toEqual({
        ...text,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
        sentAt: null,
      });
    });

    it('enqueues all or nothing', async () => {
      await expect(store.enqueueOutbox([message('A'), message('A')])).rejects.toThrow();
      expect(await countRows(store, 'outbox')).toBe(0);
      await store.enqueueOutbox([]);
      expect(await countRows(store, 'outbox')).toBe(0);
    });

    it('claims due messages earliest first, counts the attempt, and leases them', async () => {
      await store.enqueueOutbox([
        message('LATE', { createdAt: minutes(5) }),
        message('B', { createdAt: minutes(1) }),
        message('A', { createdAt: minutes(1) }),
      ]);
      const first = await claim(store, 'one', minutes(2));
      expect(first.map((m) => [m.id, m.attempts, m.leaseOwner])).toEqual([
        ['A', 1, 'one'],
        ['B', 1, 'one'],
      ]);
      expect(first[0]?.leaseUntil).toEqual(minutes(7));
      // leased: nobody else gets them until the lease runs out
      expect((await claim(store, 'two', minutes(2))).map((m) => m.id)).toEqual([]);
      expect((await claim(store, 'two', minutes(6))).map((m) => m.id)).toEqual(['LATE']);
      const expired = await claim(store, 'two', minutes(12));
      expect(expired.map((m) => [m.id, m.attempts, m.leaseOwner])).toEqual([
        ['A', 2, 'two'],
        ['B', 2, 'two'],
        ['LATE', 2, 'two'],
      ]);
    });

    it('claims at most `limit` messages', async () => {
      await store.enqueueOutbox(['A', 'B', 'C'].map((id) => message(id)));
      expect(await claim(store, 'one', minutes(1), 2)).toHaveLength(2);
      expect(await claim(store, 'two', minutes(1), 2)).toHaveLength(1);
    });

    it('marks a message sent only for the lease holder, and never claims it again', async () => {
      await store.enqueueOutbox([message('A')]);
      await claim(store, 'one', minutes(1));
      expect(await store.markOutboxSent('A', 'two', minutes(1))).toBe(false);
      expect(await store.markOutboxSent('A', 'one', minutes(1))).toBe(true);
      expect(await store.markOutboxSent('A', 'one', minutes(1))).toBe(false);
      const [sent] = await store.listOutbox({ state: 'sent', limit: 10 });
      expect(sent).toMatchObject({ id: 'A', state: 'sent', sentAt: minutes(1), leaseOwner: null });
      expect(await claim(store, 'one', minutes(100))).toEqual([]);
      expect(await store.listOutbox({ state: 'pending', limit: 10 })).toEqual([]);
    });

    it('reschedules a failed attempt, or fails the message for good without a retry time', async () => {
      await store.enqueueOutbox([message('A'), message('B')]);
      await claim(store, 'one', minutes(1));
      expect(await store.markOutboxFailed('A', 'two', 'nope', minutes(3))).toBe(false);
      expect(await store.markOutboxFailed('A', 'one', 'connect ECONNREFUSED', minutes(3))).toBe(true);
      expect(await store.markOutboxFailed('B', 'one', '550 no such user', null)).toBe(true);
      const [a] = await store.listOutbox({ state: 'pending', limit: 10 });
      expect(a).toMatchObject({
        id: 'A',
        attempts: 1,
        nextAttemptAt: minutes(3),
        lastError: 'connect ECONNREFUSED',
      });
      expect(a?.leaseOwner).toBeNull();
      const [b] = await store.listOutbox({ state: 'failed', limit: 10 });
      expect(b).toMatchObject({ id: 'B', lastError: '550 no such user', leaseOwner: null });
      // released: due again at its retry time, to any sender
      expect(await claim(store, 'two', minutes(2))).toEqual([]);
      expect((await claim(store, 'two', minutes(3))).map((m) => [m.id, m.attempts])).toEqual([['A', 2]]);
    });

    it('lists newest first, by state, up to a limit', async () => {
      await store.enqueueOutbox([
        message('A', { createdAt: minutes(1) }),
        message('B', { createdAt: minutes(2) }),
        message('C', { createdAt: minutes(3) }),
      ]);
      await claim(store, 'one', minutes(5), 1);
      await store.markOutboxSent('A', 'one', minutes(5));
      expect((await store.listOutbox({ limit: 2 })).map((m) => m.id)).toEqual(['C', 'B']);
      expect((await store.listOutbox({ state: 'pending', limit: 10 })).map((m) => m.id)).toEqual(['C', 'B']);
      expect((await store.listOutbox({ state: 'sent', limit: 10 })).map((m) => m.id)).toEqual(['A']);
    });

    it('never gives one message to two concurrent claims', async () => {
      await store.enqueueOutbox(
        Array.from({ length: 30 }, (_, i) => message(`M${String(i).padStart(2, '0')}`)),
      );
      const claims = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((owner) => claim(store, owner, minutes(1), 8)),
      );
      const ids = claims.flat().map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(30);
    });
  });

  describe('notifier cursor', () => {
    beforeEach(async () => {
      await mustCreate(store, job('AAAA1', 'AKOWNER', minutes(0)));
      await mustCreate(store, job('BBBB2', 'AKOWNER', minutes(1)));
      await store.transitionJob(
        'AAAA1',
        {},
        { location: 'AtAWS' },
        event('receive', minutes(2), 'station:s'),
      );
    });

    it('lists every job history line after the cursor, grouped by job, oldest first', async () => {
      const backlog = await store.notifierBacklog(100);
      expect(backlog.map((b) => [b.jobId, b.cursor, b.events.map((e) => `${e.seq}:${e.event}`)])).toEqual([
        ['AAAA1', 0, ['1:create', '2:receive']],
        ['BBBB2', 0, ['1:create']],
      ]);
      expect(backlog[0]?.events[1]).toMatchObject({ location: 'AtAWS', actor: 'station:s', at: minutes(2) });
    });

    it('reads at most `limit` lines, oldest first', async () => {
      const backlog = await store.notifierBacklog(2);
      expect(backlog.map((b) => [b.jobId, b.events.map((e) => e.seq)])).toEqual([
        ['AAAA1', [1]],
        ['BBBB2', [1]],
      ]);
    });

    it('moves the cursor and enqueues in one step; the lines handled are not listed again', async () => {
      const mail = message('N1', { kind: 'notification', jobId: 'AAAA1' });
      expect(await store.advanceNotifierCursor('AAAA1', 0, 2, [mail])).toBe(true);
      expect((await store.listOutbox({ limit: 10 })).map((m) => m.id)).toEqual(['N1']);
      expect((await store.notifierBacklog(100)).map((b) => b.jobId)).toEqual(['BBBB2']);
      await store.transitionJob('AAAA1', {}, { progress: 'InProgress' }, event('load-start', minutes(3)));
      const [next] = (await store.notifierBacklog(100)).filter((b) => b.jobId === 'AAAA1');
      expect(next).toMatchObject({ cursor: 2, events: [{ seq: 3, event: 'load-start' }] });
      expect(await store.advanceNotifierCursor('AAAA1', 2, 3, [])).toBe(true);
    });

    it('refuses a move from a stale cursor and enqueues nothing', async () => {
      expect(await store.advanceNotifierCursor('AAAA1', 0, 1, [])).toBe(true);
      expect(await store.advanceNotifierCursor('AAAA1', 0, 2, [message('X')])).toBe(false);
      expect(await store.advanceNotifierCursor('AAAA1', 2, 2, [message('Y')])).toBe(false);
      expect(await countRows(store, 'outbox')).toBe(0);
      const [row] = await sqlOf(store).query<{ seq: number }>(
        "SELECT seq FROM notifier_cursor WHERE job_id = 'AAAA1'",
      );
      expect(row?.seq).toBe(1);
    });

    it('skips many cursors past mail-free history in one step, each only from its own cursor', async () => {
      expect(await store.advanceNotifierCursor('AAAA1', 0, 1, [])).toBe(true);
      const moved = await store.skipNotifierCursors([
        { jobId: 'AAAA1', from: 1, to: 2 },
        { jobId: 'BBBB2', from: 0, to: 1 },
      ]);
      expect(moved.sort()).toEqual(['AAAA1', 'BBBB2']);
      expect(await store.notifierBacklog(100)).toEqual([]);
      // stale moves (another notifier got there first) change nothing
      expect(
        await store.skipNotifierCursors([
          { jobId: 'AAAA1', from: 1, to: 2 },
          { jobId: 'BBBB2', from: 0, to: 1 },
        ]),
      ).toEqual([]);
      expect(await store.skipNotifierCursors([])).toEqual([]);
      await store.transitionJob('BBBB2', {}, { location: 'AtAWS' }, event('receive', minutes(4)));
      expect((await store.notifierBacklog(100)).map((b) => [b.jobId, b.cursor])).toEqual([['BBBB2', 1]]);
      expect(await countRows(store, 'outbox')).toBe(0);
    });

    it('starts jobs that exist when the outbox migration runs with their history handled', async () => {
      const db = sqlOf(store);
      await db.query('DROP TABLE notifier_cursor');
      await db.query('DROP TABLE outbox');
      await db.query('DELETE FROM schema_migrations WHERE version = 6');
      await store.migrate();
      expect(await store.notifierBacklog(100)).toEqual([]);
      await store.transitionJob('BBBB2', {}, { canceled: true }, event('cancel', minutes(4)));
      const backlog = await store.notifierBacklog(100);
      expect(backlog.map((b) => [b.jobId, b.cursor, b.events.map((e) => e.event)])).toEqual([
        ['BBBB2', 1, ['cancel']],
      ]);
    });

    it('of two concurrent moves from one cursor, exactly one wins', async () => {
      const results = await Promise.all(
        ['P', 'Q', 'R'].map((id) => store.advanceNotifierCursor('BBBB2', 0, 1, [message(id)])),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await countRows(store, 'outbox')).toBe(1);
    });
  });
});
