import { describe, expect, it } from 'vitest';
import { ChunkPool, ChunkSlab } from '../../../src/devices/chunk-pool.js';

describe('ChunkPool', () => {
  it('hands out chunks of its size and takes back whole ones, to hand them out again', () => {
    const pool = new ChunkPool(1024, 4);
    const a = pool.take();
    expect(a.length).toBe(1024);
    pool.give([a]);
    expect(pool.kept).toBe(1);
    expect(pool.take()).toBe(a);
    expect(pool.kept).toBe(0);
  });

  it('never takes back a piece of a chunk, a buffer of another size, or one twice', () => {
    const pool = new ChunkPool(1024, 4);
    const chunk = pool.take();
    pool.give([chunk.subarray(0, 512), chunk.subarray(512), Buffer.allocUnsafe(2048)]);
    expect(pool.kept).toBe(0);
    const slab = Buffer.allocUnsafeSlow(4096);
    pool.give([slab.subarray(0, 1024)]); // the right length, but it shares its memory
    expect(pool.kept).toBe(0);
    pool.give([chunk, chunk]);
    expect(pool.kept).toBe(1);
  });

  it('keeps at most its limit; the rest is left to the garbage collector', () => {
    const pool = new ChunkPool(1024, 2);
    pool.give([pool.take(), pool.take(), pool.take()]);
    expect(pool.kept).toBe(2);
  });

  it('takes a lending chunk back once its owner retired it and every view lent is back', () => {
    const pool = new ChunkPool(1024, 4);
    const block = pool.take();
    const a = pool.lend(block, 0, 100);
    const b = pool.lend(block, 100, 300);
    expect(a.buffer).toBe(block.buffer);
    pool.retire(block);
    pool.give([a]);
    expect(pool.kept).toBe(0); // b is still out: the next reader must not overwrite it
    pool.give([b]);
    expect(pool.kept).toBe(1);
    expect(pool.take()).toBe(block);

    const again = pool.take();
    pool.give([pool.lend(again, 0, 10)]); // all views back, but its owner still keeps it
    expect(pool.kept).toBe(0);
    pool.retire(again);
    expect(pool.kept).toBe(1);
  });

  it('counts nothing for a piece cut from a view, a view given twice, or the lending chunk itself', () => {
    const pool = new ChunkPool(1024, 4);
    const block = pool.take();
    const view = pool.lend(block, 0, 512);
    const other = pool.lend(block, 512, 1024);
    pool.retire(block);
    pool.give([view.subarray(0, 100), view.subarray(100), block]);
    pool.give([other, other]);
    expect(pool.kept).toBe(0); // `view` itself was never given back
    pool.give([view]);
    expect(pool.kept).toBe(1);
  });

  it('retiring a chunk that lent nothing takes it back at once', () => {
    const pool = new ChunkPool(1024, 4);
    pool.retire(pool.take());
    expect(pool.kept).toBe(1);
    pool.retire(Buffer.allocUnsafe(100)); // not a chunk: left to the garbage collector
    expect(pool.kept).toBe(1);
  });
});

describe('ChunkSlab', () => {
  it('cuts places one after the other from a chunk, and takes the next chunk when one does not fit', () => {
    const pool = new ChunkPool(1024, 4);
    const slab = new ChunkSlab(pool);
    const a = slab.place(600);
    const b = slab.place(424);
    const c = slab.place(100);
    expect([a.length, b.length, c.length]).toEqual([600, 424, 100]);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(600);
    expect(c.buffer).not.toBe(a.buffer);
    expect(() => slab.place(1025)).toThrow(RangeError);
  });

  it('a full chunk returns to the pool once every place cut from it is given back', () => {
    const pool = new ChunkPool(1024, 4);
    const slab = new ChunkSlab(pool);
    const first = [slab.place(512), slab.place(512)];
    const next = slab.place(10); // the first chunk is retired
    pool.give([first[0]!]);
    expect(pool.kept).toBe(0);
    pool.give([first[1]!]);
    expect(pool.kept).toBe(1);
    slab.drop();
    pool.give([next]);
    expect(pool.kept).toBe(2);
  });
});
