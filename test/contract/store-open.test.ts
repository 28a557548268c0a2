import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, SchemaTooNewError } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { account, bucket, event, job, minutes, mustCreate, NO_QUOTA, sqlOf } from './store-fixtures.js';

// Each PGlite start costs seconds, so these tests open as few as they can.
describe('openStore (embedded PGlite)', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'longshore-store-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps everything in <dataDir>/db across close and reopen; refuses a newer schema', async () => {
    const first = await openStore({ dataDir });
    await first.insertAccount(account('AKOWNER', { emails: ['Owner@example.com'] }));
    await first.insertAccount(account('AKOTHER'));
    await first.insertBucket(bucket('photos', 'AKOWNER'));
    await first.grantBucket('photos', 'AKOTHER');
    const created = await mustCreate(first, job('KEEPS', 'AKOWNER', minutes(1)));
    await first.transitionJob('KEEPS', {}, { location: 'AtAWS' }, event('receive', minutes(2)));
    const accounts = await first.listAccounts();
    await first.close();

    expect((await stat(join(dataDir, 'db'))).isDirectory()).toBe(true);
    const second = await openStore({ dataDir });
    try {
      expect(await second.listAccounts()).toEqual(accounts);
      expect(await second.findAccountsByEmail('owner@EXAMPLE.com')).toHaveLength(1);
      expect(await second.getBucket('photos')).toMatchObject({ grants: ['AKOTHER'] });
      expect(await second.getJob('KEEPS')).toEqual({ ...created, location: 'AtAWS', updatedAt: minutes(2) });
      expect((await second.jobHistory('KEEPS')).map((e) => e.seq)).toEqual([1, 2]);
      const again = await second.createJob(
        job('KEEPS', 'AKOWNER', minutes(3)),
        event('c', minutes(3)),
        NO_QUOTA,
      );
      expect(again).toEqual({ ok: false, reason: 'duplicate-id' });
      await sqlOf(second).query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
    } finally {
      await second.close();
    }
    await expect(openStore({ dataDir })).rejects.toThrow(SchemaTooNewError);
  });

  it('opens an in-memory store, migrated and empty', async () => {
    const store = await openStore({ inMemory: true });
    try {
      expect(await store.listAccounts()).toEqual([]);
      const versions = await sqlOf(store).query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(versions).toHaveLength(MIGRATIONS.length);
    } finally {
      await store.close();
    }
  });

  it('needs a database URL, a data directory or inMemory', async () => {
    await expect(openStore({})).rejects.toThrow(/databaseUrl, a dataDir, or inMemory/);
  });
});
