import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeviceReadError,
  faultySource,
  openDevice,
  openVolumeReader,
  type BadRange,
  type BlockDevice,
  type DeviceEntry,
} from '../../../../src/devices/index.js';
import type { OpenedVolume } from '../../../../src/station/loader/index.js';
import {
  BLOCK_SIZE,
  blockOffset,
  buildImage,
  makeTree,
  walkAll,
  type SourceFile,
} from '../../devices/ext2fs/ext-images.js';
import { bench, BUCKET, md5, noise, objectBytes, rowsByFile, scratch, uploadedLog } from './load-fixtures.js';

// Device errors during a load of an ext2 image read through a FAULTY SOURCE (bad byte ranges, as
// bad sectors): an unreadable file is a 508 ReadError row and the load goes on, so is a directory
// that cannot be listed; a device that is gone stops the load with the log kept, and a later run
// resumes it. Special files get 103 Ignored rows and a name that is not UTF-8 a 400 row.

const space = scratch('loader-device-');
const image = join(space.dir, 'ext2.img');
let files: SourceFile[];
let entries: DeviceEntry[];

beforeAll(async () => {
  files = makeTree(join(space.dir, 'src'));
  writeFileSync(join(space.dir, 'src', 'y-late.bin'), noise(3 * 1024 * 1024, 5)); // walked near the end
  buildImage('ext2', join(space.dir, 'src'), image);
  const opened = await openWith([]);
  entries = await walkAll(opened.reader);
  await opened.close();
});
afterAll(() => space.remove());

/** The image's volume read through a source that fails on `bad` (EIO, or ENODEV: the device is gone). */
async function openWith(bad: BadRange[], code = 'EIO'): Promise<OpenedVolume> {
  const device = (await openDevice(image)) as BlockDevice;
  const options = { fatTimeZone: 'UTC', workDir: space.dir };
  const reader = await openVolumeReader(
    device,
    device.layout.volumes[0]!,
    options,
    faultySource(device.source, bad, code),
  );
  return { reader, close: async () => void (await reader.close(), await device.close()) };
}

const blockOf = (path: string, logical = 0): BadRange => {
  const start = blockOffset(image, path, logical);
  return { start, end: start + BLOCK_SIZE };
};

/** Paths that must get a row: every non-directory entry, and directories that could not be listed. */
const rowPaths = (list: DeviceEntry[]) =>
  list.filter((e) => e.type !== 'directory' || e.error).map((e) => e.path);

describe('bad sectors', () => {
  it('an unreadable file and an unlistable directory are 508 rows; everything else loads', async () => {
    const b = await bench(join(space.dir, 'bad'), image, 'ext2');
    const bad = [blockOf('big.bin', 300), blockOf('victim')];
    const summary = await b.load({ openVolume: () => openWith(bad) });
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.get('big.bin')).toMatchObject({
      status: 508,
      code: 'ReadError',
      key: `${BUCKET}/disk/big.bin`,
    });
    expect(rows.get('victim')).toMatchObject({ status: 508, code: 'ReadError', bytes: null });
    expect(rows.has('victim/one.txt')).toBe(false);
    expect(await b.store.headObject(BUCKET, 'disk/big.bin')).toBeNull();
    for (const file of files.filter(
      (f) => !f.path.startsWith('victim/') && f.path !== 'big.bin' && f.path !== 'SIGNATURE',
    )) {
      expect(rows.get(file.path), file.path).toMatchObject({ status: 200, md5: md5(file.bytes) });
      expect(md5(await objectBytes(b.store, BUCKET, `disk/${file.path}`))).toBe(md5(file.bytes));
    }
    expect(rows.get('link')).toMatchObject({ status: 103, code: 'Ignored' });
    expect(rows.get('fifo')).toMatchObject({ status: 103, code: 'Ignored' });
    expect([...rows.values()].filter((r) => r.code === 'InvalidArgument').length).toBeGreaterThanOrEqual(1);
    expect(summary.errors).toBe(
      [...rows.values()].filter((r) => r.status !== 200 && r.status !== 103).length,
    );
    expect(summary.outcome).toBe('finished');
  });
});

describe('a device that goes away', () => {
  it('stops the load with the log kept; the next run resumes it with one row per file', async () => {
    const b = await bench(join(space.dir, 'gone'), image, 'ext2');
    const gone = [blockOf('y-late.bin', 300)];
    // One file at a time: those before y-late.bin are stored (each put waits for the store's
    // flushes) before the read of its block fails.
    const failed = await b
      .load({ openVolume: () => openWith(gone, 'ENODEV'), concurrency: 1 })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DeviceReadError);
    expect(failed).toMatchObject({ scope: 'device', code: 'ENODEV' });
    expect(b.control.finished).toBeNull();
    expect(b.control.lastCheckpoint?.rows).toBeGreaterThan(3);
    const firstPuts = b.store.count('PutObject');
    expect(firstPuts).toBeGreaterThan(2);

    const summary = await b.load({ openVolume: () => openWith([]) });
    expect(summary).toMatchObject({ outcome: 'finished', resumed: true });
    const rows = await uploadedLog(b.store);
    expect(rows.map((r) => r.file).sort()).toEqual(rowPaths(entries).sort());
    rowsByFile(rows);
    for (const key of new Set(b.store.calls.filter((c) => c.op === 'PutObject').map((c) => c.key))) {
      expect(b.store.count('PutObject', key), key).toBe(1);
    }
    expect(rows.find((r) => r.file === 'y-late.bin')).toMatchObject({ status: 200 });
  });
});

describe('the device at load time', () => {
  it('must still hold the file system the intake found, else nothing is loaded', async () => {
    const b = await bench(join(space.dir, 'other'), image, 'FAT32');
    const failed = await b.load().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DeviceReadError);
    expect(failed).toMatchObject({ scope: 'device', code: 'ENOTINSPECTED' });
    expect(String(failed)).toMatch(/holds ext2, the intake found FAT32/);
    expect(b.store.calls).toEqual([]);
    expect(b.control.finished).toBeNull();
  });
});
