import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BlockSource } from '../../../../src/devices/block-source.js';
import { faultySource } from '../../../../src/devices/faulty-source.js';
import { openFatVolume } from '../../../../src/devices/fat/index.js';
import type { DeviceReader } from '../../../../src/devices/port.js';
import {
  clusterRange,
  clustersOf,
  copyIn,
  expectedTree,
  geometryOf,
  makeImage,
  makeTree,
  openImage,
  readEverything,
  type Expected,
} from './fat-images.js';

// How the reader uses its source: FAT paged in chunks, clusters coalesced into large reads,
// small files sharing read-ahead blocks, and read-ahead never widening a bad sector's damage.

interface SourceRead {
  readonly position: number;
  readonly length: number;
}

/** A source that records every read. */
function recording(inner: BlockSource, reads: SourceRead[]): BlockSource {
  return {
    name: inner.name,
    size: inner.size,
    read(buffer, offset, length, position) {
      reads.push({ position, length });
      return inner.read(buffer, offset, length, position);
    },
    close: () => inner.close(),
  };
}

const SMALL = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [
    `small/f${String(i).padStart(2, '0')}.bin`,
    { content: randomBytes(700 + i * 37) },
  ]),
);
const FILES = { ...SMALL, 'large.bin': { content: randomBytes(5 * 1024 * 1024 + 1) } };

let work: string;
let image: string;
let expected: Map<string, Expected>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fat-io-'));
  makeTree(join(work, 'src'), FILES);
  expected = expectedTree(join(work, 'src'));
  image = join(work, 'io.img');
  makeImage(image, 'FAT32');
  copyIn(image, join(work, 'src'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function readAllRecording(source: BlockSource): Promise<{ reads: SourceRead[]; reader: DeviceReader }> {
  const reads: SourceRead[] = [];
  const reader = await openFatVolume(recording(source, reads), { timeZone: 'UTC' });
  const got = await readEverything(reader);
  for (const { entry, sha256, readError } of got) {
    expect(readError, entry.path).toBeUndefined();
    if (entry.type === 'file') expect(sha256, entry.path).toBe(expected.get(entry.path)?.sha256);
  }
  return { reads, reader };
}

describe('source reads', () => {
  test('the FAT is read in chunks of at most 64 KiB, once each', async () => {
    const { reads, reader } = await readAllRecording(await openImage(image));
    await reader.close();
    const { fatOffset, fatSize } = geometryOf(image);
    const fatReads = reads.filter((r) => r.position >= fatOffset && r.position < fatOffset + fatSize);
    expect(fatReads.length).toBeGreaterThan(0);
    expect(Math.max(...fatReads.map((r) => r.length))).toBeLessThanOrEqual(64 * 1024 + 1);
    expect(new Set(fatReads.map((r) => r.position)).size).toBe(fatReads.length);
    expect(fatSize).toBeGreaterThan(64 * 1024); // so paging mattered
  });

  test('a contiguous large file is read in 1 MiB reads', async () => {
    const runs = clustersOf(image, '/large.bin');
    expect(runs).toHaveLength(1);
    const [first, last] = runs[0] as [number, number];
    const start = clusterRange(image, first).start;
    const end = clusterRange(image, last).end;
    const { reads, reader } = await readAllRecording(await openImage(image));
    await reader.close();
    const dataReads = reads.filter((r) => r.position >= start && r.position < end);
    expect(Math.max(...dataReads.map((r) => r.length))).toBe(1024 * 1024);
    expect(dataReads.length).toBeLessThanOrEqual(7);
  });

  test('neighbouring small files share read-ahead blocks', async () => {
    const { reads, reader } = await readAllRecording(await openImage(image));
    await reader.close();
    const { dataOffset } = geometryOf(image);
    const largeStart = clusterRange(image, (clustersOf(image, '/large.bin')[0] as [number, number])[0]).start;
    const smallReads = reads.filter((r) => r.position >= dataOffset && r.position < largeStart);
    expect(smallReads.length).toBeLessThan(Object.keys(SMALL).length / 4);
  });

  test('a bad sector inside a read-ahead block fails only the file on it, at its offset', async () => {
    const [victimCluster] = clustersOf(image, '/small/f20.bin')[0] as [number, number];
    const bad = clusterRange(image, victimCluster + 1);
    const reader = await openFatVolume(faultySource(await openImage(image), [bad]), { timeZone: 'UTC' });
    const got = await readEverything(reader);
    await reader.close();
    const failed = got.filter((g) => g.readError);
    expect(failed.map((g) => g.entry.path)).toEqual(['small/f20.bin']);
    expect(failed[0]?.readError).toMatchObject({ code: 'EIO', scope: 'file', offset: 512 });
    for (const { entry, sha256 } of got.filter((g) => g.entry.type === 'file' && !g.readError)) {
      expect(sha256, entry.path).toBe(expected.get(entry.path)?.sha256);
    }
  });
});
