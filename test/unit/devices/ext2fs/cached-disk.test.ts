import { describe, expect, it } from 'vitest';
import type { BlockSource } from '../../../../src/devices/block-source.js';
import { CACHE_CHUNKS, CHUNK_BYTES, ReadOnlyCachedDisk } from '../../../../src/devices/ext2fs/cached-disk.js';
import { faultySource } from '../../../../src/devices/faulty-source.js';

/** An in-memory source of `size` bytes (byte i = i mod 251) that records the reads it gets. */
function memorySource(size: number): BlockSource & { reads: [number, number][] } {
  const bytes = Buffer.alloc(size, Buffer.from(Array.from({ length: 251 }, (_, i) => i)));
  const reads: [number, number][] = [];
  return {
    name: 'memory',
    size,
    reads,
    async read(buffer, offset, length, position) {
      reads.push([position, length]);
      const n = Math.max(0, Math.min(length, size - position));
      bytes.copy(buffer, offset, position, position + n);
      return n;
    },
    async close() {},
  };
}

const expected = (position: number, length: number) =>
  Buffer.from(Array.from({ length }, (_, i) => (position + i) % 251));

async function readAt(disk: ReadOnlyCachedDisk, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length, 0xaa);
  await disk.read(buffer, 0, length, position);
  return buffer;
}

describe('ReadOnlyCachedDisk', () => {
  it('reads through aligned 1 MiB chunks, once per chunk, across chunk boundaries', async () => {
    const source = memorySource(3 * CHUNK_BYTES);
    const disk = new ReadOnlyCachedDisk(source);
    expect((await readAt(disk, 4096, 4096)).equals(expected(4096, 4096))).toBe(true);
    expect((await readAt(disk, 8192, 4096)).equals(expected(8192, 4096))).toBe(true);
    expect(source.reads).toEqual([[0, CHUNK_BYTES]]);
    const across = CHUNK_BYTES - 100;
    expect((await readAt(disk, across, 200)).equals(expected(across, 200))).toBe(true);
    expect(source.reads.slice(0, 2)).toEqual([
      [0, CHUNK_BYTES],
      [CHUNK_BYTES, CHUNK_BYTES],
    ]);
  });

  it('after two sequential misses, loads the next chunk ahead of need', async () => {
    const source = memorySource(4 * CHUNK_BYTES);
    const disk = new ReadOnlyCachedDisk(source);
    await readAt(disk, 0, 4096);
    await readAt(disk, CHUNK_BYTES, 4096);
    expect(source.reads).toEqual([
      [0, CHUNK_BYTES],
      [CHUNK_BYTES, CHUNK_BYTES],
      [2 * CHUNK_BYTES, CHUNK_BYTES],
    ]);
    expect((await readAt(disk, 2 * CHUNK_BYTES + 5, 100)).equals(expected(2 * CHUNK_BYTES + 5, 100))).toBe(
      true,
    );
    expect(source.reads).toHaveLength(3);
  });

  it('returns zeros past the end of the source', async () => {
    const disk = new ReadOnlyCachedDisk(memorySource(5000));
    const tail = await readAt(disk, 4000, 2000);
    expect(tail.subarray(0, 1000).equals(expected(4000, 1000))).toBe(true);
    expect(tail.subarray(1000).equals(Buffer.alloc(1000))).toBe(true);
  });

  it(`keeps at most ${CACHE_CHUNKS} chunks, dropping the least recently used`, async () => {
    const source = memorySource((CACHE_CHUNKS + 1) * CHUNK_BYTES);
    const disk = new ReadOnlyCachedDisk(source);
    for (let i = 0; i <= CACHE_CHUNKS; i++) await readAt(disk, i * CHUNK_BYTES, 16);
    source.reads.length = 0;
    await readAt(disk, CACHE_CHUNKS * CHUNK_BYTES, 16); // still cached
    await readAt(disk, 0, 16); // evicted first
    expect(source.reads).toEqual([[0, CHUNK_BYTES]]);
  });

  it('falls back to exact reads in a chunk with a bad sector: only reads over it fail', async () => {
    const inner = memorySource(2 * CHUNK_BYTES);
    const disk = new ReadOnlyCachedDisk(faultySource(inner, [{ start: 10 * 4096, end: 10 * 4096 + 512 }]));
    expect((await readAt(disk, 4096, 4096)).equals(expected(4096, 4096))).toBe(true);
    await expect(readAt(disk, 10 * 4096, 4096)).rejects.toMatchObject({ code: 'EIO', offset: 10 * 4096 });
    expect((await readAt(disk, 11 * 4096, 4096)).equals(expected(11 * 4096, 4096))).toBe(true);
    expect(disk.gone).toBeNull();
    expect(disk.lastFailure).toMatchObject({ code: 'EIO', scope: 'device' });
    const chunkReads = inner.reads.filter(([, length]) => length === CHUNK_BYTES);
    expect(chunkReads).toEqual([]); // the failed chunk is never retried whole
  });

  it('remembers a device that is gone and fails every later read at once', async () => {
    const inner = memorySource(2 * CHUNK_BYTES);
    const disk = new ReadOnlyCachedDisk(faultySource(inner, [{ start: 0, end: 512 }], 'ENODEV'));
    await expect(readAt(disk, 0, 4096)).rejects.toMatchObject({ code: 'ENODEV' });
    expect(disk.gone).toMatchObject({ code: 'ENODEV' });
    inner.reads.length = 0;
    await expect(readAt(disk, CHUNK_BYTES, 4096)).rejects.toMatchObject({ code: 'ENODEV' });
    expect(inner.reads).toEqual([]);
  });

  it('refuses writes and discards with EROFS and counts them; flush does nothing', async () => {
    const disk = new ReadOnlyCachedDisk(memorySource(4096));
    await expect(disk.write()).rejects.toMatchObject({ code: 'EROFS' });
    await expect(disk.discard()).rejects.toMatchObject({ code: 'EROFS' });
    await expect(disk.flush()).resolves.toBeUndefined();
    expect(disk.writesAttempted).toBe(2);
  });
});
