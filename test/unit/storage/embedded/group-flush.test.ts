import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemFlusher, GroupFlush } from '../../../../src/storage/embedded/group-flush.js';
import { openEmbeddedStore } from '../../../../src/storage/index.js';
import { md5Hex, readAll } from '../../../helpers/storage.js';
import { putBytes, useStoreRoot } from './store-fixture.js';

/** A flush the test ends by hand: each call is recorded with its resolve and reject. */
function manualFlush() {
  const calls: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const flushOnce = () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, flushOnce };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupFlush', () => {
  it('runs one flush at a time; callers during it share the next one', async () => {
    const manual = manualFlush();
    const group = new GroupFlush(manual.flushOnce);
    const done: string[] = [];
    const first = group.flush().then(() => done.push('first'));
    const second = group.flush().then(() => done.push('second'));
    const third = group.flush().then(() => done.push('third'));
    expect(manual.calls).toHaveLength(1);
    expect(group.flushes).toBe(1);

    manual.calls[0]!.resolve();
    await first;
    await settle();
    // The running flush may not cover the writes of those who came during it: a second flush.
    expect(done).toEqual(['first']);
    expect(manual.calls).toHaveLength(2);
    manual.calls[1]!.resolve();
    await Promise.all([second, third]);
    expect(done).toEqual(['first', 'second', 'third']);
    expect(group.flushes).toBe(2);
  });

  it('never runs two flushes at once, whenever between two flushes a caller comes', async () => {
    for (let ticks = 0; ticks < 8; ticks += 1) {
      let active = 0;
      let most = 0;
      const ends: (() => void)[] = [];
      const group = new GroupFlush(() => {
        active += 1;
        most = Math.max(most, active);
        return new Promise<void>((resolve) => ends.push(() => ((active -= 1), resolve())));
      });
      const first = group.flush();
      const second = group.flush();
      ends.shift()!();
      for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
      const late = group.flush();
      await first;
      await settle();
      while (ends.length > 0) {
        ends.shift()!();
        await settle();
      }
      await Promise.all([second, late]);
      expect(most, `a caller ${ticks} microtasks after the end of a flush`).toBe(1);
    }
  });

  it('fails every caller of a failed flush, and the next caller gets a new flush', async () => {
    const manual = manualFlush();
    const group = new GroupFlush(manual.flushOnce);
    const first = group.flush();
    const waiting = group.flush();
    manual.calls[0]!.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(first).rejects.toMatchObject({ code: 'EIO' });
    await settle();
    manual.calls[1]!.reject(new Error('still failing'));
    await expect(waiting).rejects.toThrow('still failing');

    const later = group.flush();
    expect(manual.calls).toHaveLength(3);
    manual.calls[2]!.resolve();
    await expect(later).resolves.toBeUndefined();
  });
});

describe('FileSystemFlusher', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  it('flushes through one shell, again and again and side by side', async () => {
    dir = await mkdtemp(join(tmpdir(), 'longshore-flush-'));
    const flusher = new FileSystemFlusher(dir);
    try {
      await flusher.flushOnce();
      await Promise.all([flusher.flushOnce(), flusher.flushOnce(), flusher.flushOnce()]);
      await flusher.flushOnce();
    } finally {
      flusher.close();
    }
  });

  it('fails with EIO when sync cannot flush (here: the path is gone), and closing fails the waiting', async () => {
    const flusher = new FileSystemFlusher(
      join(tmpdir(), `longshore-missing-${randomBytes(6).toString('hex')}`),
    );
    await expect(flusher.flushOnce()).rejects.toMatchObject({
      code: 'EIO',
      message: expect.stringMatching(
        /could not flush the file system of .*sync --file-system failed: .*No such file or directory/,
      ),
    });
    const waiting = flusher.flushOnce();
    flusher.close();
    await expect(waiting).rejects.toMatchObject({ code: 'EIO', message: expect.stringMatching(/closed/) });
  });
});

describe('the embedded store with group flushes', () => {
  const fixture = useStoreRoot();

  it('makes puts in flight share flushes: 64 new objects cost far fewer than 128 flushes', async () => {
    const store = await fixture.open();
    await store.createBucket('group');
    const flusher = (store as unknown as { group: GroupFlush }).group;
    expect(store.uploadConcurrency).toBe(512);
    const bodies = Array.from({ length: 64 }, (_, i) => randomBytes(2000 + i));
    const before = flusher.flushes;
    await Promise.all(bodies.map((body, i) => putBytes(store, 'group', `k${i}`, body)));
    // Two flushes per put, each shared: a handful in all, however many puts.
    expect(flusher.flushes - before).toBeGreaterThanOrEqual(2);
    expect(flusher.flushes - before).toBeLessThan(16);
    for (const [i, body] of bodies.entries()) {
      expect(md5Hex(await readAll(await store.getObject('group', `k${i}`)))).toBe(md5Hex(body));
    }
  });

  it("is not used with durability 'each', nor for overwrites, which fsync object by object", async () => {
    const root = await mkdtemp(join(tmpdir(), 'longshore-each-'));
    try {
      const each = await openEmbeddedStore(root, { durability: 'each' });
      expect(each.uploadConcurrency).toBeUndefined();
      expect((each as unknown as { group: GroupFlush | null }).group).toBeNull();
      await each.createBucket('each');
      await putBytes(each, 'each', 'k', Buffer.from('one'));
      await putBytes(each, 'each', 'k', Buffer.from('two'));
      expect((await readAll(await each.getObject('each', 'k'))).toString()).toBe('two');
      await each.close();

      const grouped = await openEmbeddedStore(root);
      const flusher = (grouped as unknown as { group: GroupFlush }).group;
      await putBytes(grouped, 'each', 'k', Buffer.from('three'));
      expect(flusher.flushes).toBe(0);
      await putBytes(grouped, 'each', 'new', Buffer.from('four'));
      expect(flusher.flushes).toBe(2);
      expect((await readAll(await grouped.getObject('each', 'k'))).toString()).toBe('three');
      await grouped.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
