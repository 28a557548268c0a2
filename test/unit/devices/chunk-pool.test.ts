import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../../src/devices/chunk-pool.js';

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
});
