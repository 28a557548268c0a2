import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openDevice,
  openMountedReader,
  openVolumeReader,
  type BlockDevice,
  type MountedDevice,
  type DeviceEntry,
  type DeviceReader,
} from '../../src/devices/index.js';
import { ensureDiskFixtures, readExpected, type DiskFixtureIndex } from '../helpers/disks.js';

// One contract for every reader (FAT32, ext2, ext3, NTFS through ntfs-3g), partitioned and not:
// the fixture images of test/fixtures/disks/build are walked and every file read, and each
// entry's name, type, size, mtime and SHA-256 must equal those of the source tree the image was
// built from. The image file's own SHA-256 must not change (no reader writes).
const GOOD = [
  'fat32',
  'ext2',
  'ext3',
  'ntfs',
  'fat32-mbr',
  'ext2-gpt',
  'ext3-mbr',
  'ntfs-gpt',
  'multi-gpt',
  'ext3-dirty',
];
const TIMEOUT = 900_000;

let fixtures: DiskFixtureIndex;
beforeAll(async () => {
  fixtures = await ensureDiskFixtures();
}, TIMEOUT);

async function sha256OfStream(stream: AsyncIterable<Buffer>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const sha256OfFile = async (path: string) =>
  (await sha256OfStream(createReadStream(path, { highWaterMark: 4 << 20 }))).sha256;

/** What a reader says about each entry, in walk order: the same columns as NAME.expected.tsv. */
async function readAll(
  reader: DeviceReader,
): Promise<{ type: string; size: number; mtime: number; sha256: string | null; path: string }[]> {
  const seen = [];
  const directories = new Set(['']);
  const lastChild = new Map<string, string>();
  for await (const entry of reader.walk()) {
    expect(entry.error, `${entry.path}: ${entry.error?.message}`).toBeUndefined();
    const cut = entry.path.lastIndexOf('/');
    const [parent, name] = [entry.path.slice(0, Math.max(cut, 0)), entry.path.slice(cut + 1)];
    expect(directories.has(parent), `${entry.path} came before its directory`).toBe(true);
    expect(name > (lastChild.get(parent) ?? ''), `${entry.path} is out of name order`).toBe(true);
    lastChild.set(parent, name);
    if (entry.type === 'directory') directories.add(entry.path);
    seen.push({
      type: entry.type,
      size: entry.size,
      mtime: Math.floor(entry.mtime.getTime() / 1000),
      sha256: entry.type === 'file' ? await fileHash(reader, entry) : null,
      path: entry.path,
    });
  }
  return seen;
}

async function fileHash(reader: DeviceReader, entry: DeviceEntry): Promise<string> {
  const { sha256, bytes } = await sha256OfStream(reader.openFile(entry));
  expect(bytes, entry.path).toBe(entry.size);
  return sha256;
}

async function withReader<T>(name: string, fn: (reader: DeviceReader) => Promise<T>): Promise<T> {
  if (name === 'mounted-ext3') return withMountedReader(fn);
  const fixture = fixtures.images[name]!;
  const device = (await openDevice(join(fixtures.dir, fixture.file))) as BlockDevice;
  expect(device.kind).toBe('block');
  const volume = device.layout.volumes.find((v) => v.offset === fixture.volumeOffset);
  expect(volume, `${name}: no volume at ${fixture.volumeOffset}`).toBeDefined();
  const reader = await openVolumeReader(device, volume!, {
    fatTimeZone: 'UTC',
    workDir: join(tmpdir(), 'longshore-contract-station'),
  });
  try {
    return await fn(reader);
  } finally {
    await reader.close();
    await device.close();
  }
}

/** The operator's own mount: the ext3 fixture through the kernel (`mount -o loop,ro,noload`). */
async function withMountedReader<T>(fn: (reader: DeviceReader) => Promise<T>): Promise<T> {
  const mountPoint = await mkdtemp(join(tmpdir(), 'longshore-mounted-'));
  execFileSync('mount', [
    '-t',
    'ext3',
    '-o',
    'loop,ro,noload',
    join(fixtures.dir, fixtures.images.ext3!.file),
    mountPoint,
  ]);
  try {
    const device = await openDevice(mountPoint);
    expect(device).toMatchObject({ kind: 'mounted', fileSystem: 'ext3' });
    const reader = await openMountedReader(device as MountedDevice);
    try {
      return await fn(reader);
    } finally {
      await reader.close();
    }
  } finally {
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  }
}

const canMount = process.getuid?.() === 0 && existsSync('/dev/loop-control');

describe.each([...GOOD, ...(canMount ? ['mounted-ext3'] : [])])('DeviceReader contract: %s', (name) => {
  it(
    'walks the same tree as the source: names, types, sizes, mtimes and SHA-256 of every file; writes nothing',
    async (ctx) => {
      const fixture = fixtures.images[name === 'mounted-ext3' ? 'ext3' : name];
      if (!fixture) return ctx.skip(`${name} was not built here: ${fixtures.skipped.join(', ')}`);
      const image = join(fixtures.dir, fixture.file);
      const before = await sha256OfFile(image);
      const byPath = (a: { path: string }, b: { path: string }) =>
        a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
      const seen = (await withReader(name, readAll)).sort(byPath);
      const expected = [...(await readExpected(name === 'mounted-ext3' ? 'ext3' : name))].sort(byPath);
      const files = (rows: typeof seen) => rows.map((r) => (r.type === 'directory' ? { ...r, mtime: 0 } : r));
      expect(seen.map((r) => r.path)).toEqual(expected.map((r) => r.path));
      expect(files(seen)).toEqual(files(expected));
      expect(await sha256OfFile(image)).toBe(before);
    },
    TIMEOUT,
  );
});
