import { randomInt } from 'node:crypto';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../../../../src/storage/embedded/listing.js';
import { filesOf, putBytes, useStoreRoot } from './store-fixture.js';

const BUCKET = 'listing-test';

/** A random string mixing ASCII, the BMP above the surrogates, and astral characters. */
function randomKey(): string {
  const pool = [0x41, 0x7a, 0xe9, 0x65e5, 0xe000, 0xfb00, 0xffee, 0x1f600, 0x10348];
  return Array.from({ length: randomInt(1, 6) }, () =>
    String.fromCodePoint(pool[randomInt(pool.length)]!),
  ).join('');
}

describe('embedded listing', () => {
  const fixture = useStoreRoot();

  it('orders keys exactly as their UTF-8 bytes order', () => {
    const keys = Array.from({ length: 400 }, randomKey);
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
    expect(compareKeys('\uFB00', '\u{1F600}')).toBeLessThan(0); // JavaScript's own order says the opposite
    expect(compareKeys('a', 'a/b')).toBeLessThan(0);
    expect(compareKeys('same', 'same')).toBe(0);
  });

  it('sees objects written and deleted by another store on the same folder', async () => {
    const reader = await fixture.open();
    await reader.createBucket(BUCKET);
    const writer = await fixture.open();
    await putBytes(writer, BUCKET, 'one', Buffer.from('1'));
    expect((await reader.listObjects(BUCKET, '')).objects.map((o) => o.key)).toEqual(['one']);
    await putBytes(writer, BUCKET, 'two', Buffer.from('2'));
    await writer.deleteObject(BUCKET, 'one');
    expect((await reader.listObjects(BUCKET, '')).objects.map((o) => o.key)).toEqual(['two']);
  });

  it('re-reads a folder only when its mtime moves, and never trusts a folder changed just now', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    await putBytes(store, BUCKET, 'doc', Buffer.from('12345'));
    const { dir, sidecar } = filesOf(fixture.root(), BUCKET, 'doc');
    const past = new Date(Date.now() - 60_000);
    await utimes(dir, past, past);
    expect((await store.listObjects(BUCKET, '')).objects[0]?.size).toBe(5);

    // Edit the sidecar in place: the folder's mtime does not move, so the cached scan is used.
    const record = JSON.parse(await readFile(sidecar, 'utf8')) as { key: string };
    await writeFile(sidecar, JSON.stringify({ ...record, key: 'tampered' }));
    await utimes(dir, past, past);
    expect((await store.listObjects(BUCKET, '')).objects.map((o) => o.key)).toEqual(['doc']);

    // Once the mtime moves, the folder is read again and the damaged sidecar counts as no object.
    const later = new Date(Date.now() - 30_000);
    await utimes(dir, later, later);
    expect((await store.listObjects(BUCKET, '')).objects).toEqual([]);
  });

  it('reads a recently changed folder again on every call', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    await putBytes(store, BUCKET, 'doc', Buffer.from('12345'));
    const { dir, sidecar } = filesOf(fixture.root(), BUCKET, 'doc');
    const recent = new Date();
    await utimes(dir, recent, recent);
    expect((await store.listObjects(BUCKET, '')).objects).toHaveLength(1);
    // A change in the same timestamp tick leaves the mtime as it was.
    await writeFile(sidecar, 'not json');
    await utimes(dir, recent, recent);
    expect((await store.listObjects(BUCKET, '')).objects).toEqual([]);
  });

  it('keeps `a`, `a/b` and keys with path-like parts apart and inside the bucket', async () => {
    const store = await fixture.open();
    await store.createBucket(BUCKET);
    const keys = ['a', 'a/b', '../../escape', '/leading', 'a//b', '.', 'nul\u0000byte'];
    for (const key of keys) await putBytes(store, BUCKET, key, Buffer.from(key));
    const listed = (await store.listObjects(BUCKET, '')).objects.map((o) => o.key);
    expect(listed).toEqual([...keys].sort(compareKeys));
    for (const key of keys) expect((await store.headObject(BUCKET, key))?.size).toBe(Buffer.byteLength(key));
  });
});
