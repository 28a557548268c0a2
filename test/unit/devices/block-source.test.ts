import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceGone, openBlockSource, sliceBlockSource } from '../../../src/devices/block-source.js';
import { faultySource } from '../../../src/devices/faulty-source.js';
import { DeviceReadError } from '../../../src/devices/port.js';

const dir = mkdtempSync(join(tmpdir(), 'longshore-block-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = Buffer.from(Array.from({ length: 8192 }, (_, i) => i % 251));
const path = join(dir, 'disk.img');
writeFileSync(path, bytes);

describe('openBlockSource', () => {
  it('reads whole ranges, and short only at the end of the source', async () => {
    const source = await openBlockSource(path);
    expect(source.size).toBe(8192);
    const buffer = Buffer.alloc(4096);
    expect(await source.read(buffer, 0, 4096, 1000)).toBe(4096);
    expect(buffer.equals(bytes.subarray(1000, 5096))).toBe(true);
    expect(await source.read(buffer, 0, 4096, 6000)).toBe(2192);
    expect(await source.read(buffer, 0, 10, 9000)).toBe(0);
    await source.close();
    await source.close();
  });

  it('throws the errno of a failed open', async () => {
    await expect(openBlockSource(join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('sliceBlockSource', () => {
  it('is a window: positions from its start, nothing past its end', async () => {
    const source = await openBlockSource(path);
    const slice = sliceBlockSource(source, 4096, 1024, 'disk#p1');
    const buffer = Buffer.alloc(2048);
    expect(slice.size).toBe(1024);
    expect(await slice.read(buffer, 0, 2048, 0)).toBe(1024);
    expect(buffer.subarray(0, 1024).equals(bytes.subarray(4096, 5120))).toBe(true);
    await source.close();
  });
});

describe('sliceBlockSource over a failing device', () => {
  it('reports the failing offset from the start of the partition', async () => {
    const parent = faultySource(await openBlockSource(path), [{ start: 5000, end: 5512 }]);
    const slice = sliceBlockSource(parent, 4096, 2048, 'disk#p1');
    const err = await slice.read(Buffer.alloc(2048), 0, 2048, 0).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EIO', offset: 904, path: 'disk#p1', scope: 'device' });
    await parent.close();
  });
});

describe('faultySource (fault injection)', () => {
  it('returns the good bytes before a bad range, then EIO at its first byte', async () => {
    const source = faultySource(await openBlockSource(path), [{ start: 3000, end: 3512 }]);
    const buffer = Buffer.alloc(2048);
    const err = await source.read(buffer, 0, 2048, 2048).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceReadError);
    expect(err).toMatchObject({ code: 'EIO', offset: 3000, scope: 'device', operation: 'read' });
    expect(buffer.subarray(0, 952).equals(bytes.subarray(2048, 3000))).toBe(true);
    expect(deviceGone(err)).toBe(false);
    expect(await source.read(buffer, 0, 512, 3512)).toBe(512);
    await source.close();
  });

  it('can simulate a device that is gone', async () => {
    const source = faultySource(await openBlockSource(path), [{ start: 0, end: 8192 }], 'ENODEV');
    const err = await source.read(Buffer.alloc(10), 0, 10, 100).catch((e: unknown) => e);
    expect(deviceGone(err)).toBe(true);
    await source.close();
  });
});
