import { describe, expect, test } from 'vitest';
import type { FatGeometry } from '../../../../src/devices/fat/boot-sector.js';
import { ChainCursor, ChainError, type ChainKind } from '../../../../src/devices/fat/cluster-chain.js';
import type { FatTable } from '../../../../src/devices/fat/fat-table.js';
import { DeviceReadError } from '../../../../src/devices/port.js';

// ChainCursor over a FAT held in a Map: runs, coalescing, and every way a chain can be broken.

const EOC = 0x0fffffff;
const geometry = { maxCluster: 100_000, endOfChain: 0x0ffffff8 } as FatGeometry;

/** A FAT whose entries are `links` (cluster → next); `fail` makes entry() throw for a cluster. */
function fatOf(links: Map<number, number>, fail?: (cluster: number) => unknown): FatTable {
  const table = {
    peek: () => undefined,
    entry: async (cluster: number) => {
      const failure = fail?.(cluster);
      if (failure) throw failure;
      return links.get(cluster) ?? 0;
    },
  };
  return table as unknown as FatTable;
}

/** Links for a chain visiting `clusters` in order and then ending. */
function chain(clusters: number[]): Map<number, number> {
  const links = new Map<number, number>();
  clusters.forEach((c, i) => links.set(c, clusters[i + 1] ?? EOC));
  return links;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

async function runsOf(links: Map<number, number>, first: number, shape: ChainKind, max = 1000) {
  const cursor = new ChainCursor(fatOf(links), geometry, first, shape);
  const runs: Array<[number, number]> = [];
  for (let run = await cursor.nextRun(max); run; run = await cursor.nextRun(max))
    runs.push([run.first, run.count]);
  return runs;
}

async function chainError(links: Map<number, number>, first: number, shape: ChainKind): Promise<ChainError> {
  const error = await runsOf(links, first, shape).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ChainError);
  return error as ChainError;
}

const file = (clusters: number): ChainKind => ({ kind: 'file', clusters });

describe('ChainCursor', () => {
  test('coalesces consecutive clusters into runs of at most `max`', async () => {
    const links = chain([...range(10, 5), ...range(50, 3), 20]);
    expect(await runsOf(links, 10, file(9))).toEqual([
      [10, 5],
      [50, 3],
      [20, 1],
    ]);
    expect(await runsOf(chain(range(10, 5)), 10, file(5), 2)).toEqual([
      [10, 2],
      [12, 2],
      [14, 1],
    ]);
  });

  test('a file needs only as many clusters as its size; a longer chain is fine', async () => {
    expect(await runsOf(chain(range(10, 8)), 10, file(3))).toEqual([[10, 3]]);
    expect(await runsOf(chain([]), 0, file(0))).toEqual([]);
  });

  test('loops are found at the cluster that repeats, in every shape', async () => {
    const intoFirstRun = chain(range(10, 6));
    intoFirstRun.set(15, 12);
    expect((await chainError(intoFirstRun, 10, file(20))).clusterIndex).toBe(6);
    const afterJumps = chain([...range(10, 3), ...range(40, 3), ...range(70, 2)]);
    afterJumps.set(71, 41);
    expect((await chainError(afterJumps, 10, file(20))).clusterIndex).toBe(8);
    const selfLoop = chain([10]);
    selfLoop.set(10, 10);
    expect((await chainError(selfLoop, 10, file(3))).message).toMatch(/loops back to cluster 10/);
  });

  test('loops in long chains (bitmap) are found too', async () => {
    const longRun = chain(range(10, 5000));
    longRun.set(5009, 9000);
    longRun.set(9000, 100);
    expect((await chainError(longRun, 10, file(6000))).clusterIndex).toBe(5001);
    const scattered = range(0, 5000).map((i) => 10 + i * 2);
    const links = chain(scattered);
    links.set(scattered.at(-1) as number, 30);
    expect((await chainError(links, 10, file(6000))).clusterIndex).toBe(5000);
  });

  test('an early end, a free or bad cluster and a pointer outside the volume are errors', async () => {
    expect(await chainError(chain(range(10, 3)), 10, file(5))).toMatchObject({
      clusterIndex: 3,
      code: 'EBADCHAIN',
    });
    const free = chain(range(10, 2));
    free.set(11, 0);
    expect((await chainError(free, 10, file(5))).message).toMatch(/free cluster/);
    const bad = chain([10]);
    bad.set(10, 0x0ffffff7);
    expect((await chainError(bad, 10, file(2))).message).toMatch(/marked bad/);
    const outside = chain([10]);
    outside.set(10, 100_002);
    expect((await chainError(outside, 10, file(2))).message).toMatch(/outside the volume/);
    expect((await chainError(chain([]), 1, file(1))).clusterIndex).toBe(0);
  });

  test('a directory chain runs to its end mark, within its limit', async () => {
    const dir = (maxClusters: number): ChainKind => ({ kind: 'directory', maxClusters });
    expect(await runsOf(chain([...range(5, 2), 9]), 5, dir(10))).toEqual([
      [5, 2],
      [9, 1],
    ]);
    expect((await chainError(chain(range(5, 4)), 5, dir(3))).message).toMatch(/longer than 3 clusters/);
  });

  test('a FAT read failure is a ChainError with its errno; a vanished device goes through', async () => {
    const eio = new DeviceReadError({
      code: 'EIO',
      operation: 'read',
      path: 'd',
      scope: 'device',
      offset: 1,
    });
    const failing = new ChainCursor(
      fatOf(chain(range(10, 5)), (c) => (c === 12 ? eio : null)),
      geometry,
      10,
      file(5),
    );
    await expect(failing.nextRun(100)).rejects.toMatchObject({
      name: 'ChainError',
      code: 'EIO',
      clusterIndex: 3,
    });
    const gone = new DeviceReadError({
      code: 'ENODEV',
      operation: 'read',
      path: 'd',
      scope: 'device',
      offset: 1,
    });
    const vanished = new ChainCursor(
      fatOf(chain(range(10, 5)), () => gone),
      geometry,
      10,
      file(5),
    );
    await expect(vanished.nextRun(100)).rejects.toBe(gone);
  });
});
