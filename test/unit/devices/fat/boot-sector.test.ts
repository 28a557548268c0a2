import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFatBootSector } from '../../../../src/devices/fat/index.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { makeImage } from './fat-images.js';

// The boot sector of images mkfs.vfat makes, and of boot sectors damaged on purpose.

let work: string;
const boots = new Map<string, Buffer>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fat-boot-'));
  for (const kind of ['FAT12', 'FAT16', 'FAT32'] as const) {
    const image = join(work, `${kind}.img`);
    makeImage(image, kind, { label: 'BOOTTEST' });
    boots.set(kind, readFileSync(image).subarray(0, 512));
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const boot = (kind: string) => Buffer.from(boots.get(kind) as Buffer);

function expectInvalid(bytes: Buffer, message: RegExp): void {
  let caught: unknown;
  try {
    readFatBootSector(bytes, 'disk.img');
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DeviceReadError);
  expect(caught).toMatchObject({ code: 'EBADFS', scope: 'device', operation: 'mount', path: 'disk.img' });
  expect((caught as Error).message).toMatch(message);
}

describe('readFatBootSector', () => {
  test('reads the geometry of each width', () => {
    const fat32 = readFatBootSector(boot('FAT32'));
    expect(fat32).toMatchObject({
      kind: 'FAT32',
      entryBits: 32,
      bytesPerSector: 512,
      clusterSize: 512,
      rootCluster: 2,
      rootDirSize: 0,
      fatCopies: [0, 1],
      bpbLabel: 'BOOTTEST',
      volumeSize: 40 * 1024 * 1024,
      endOfChain: 0x0ffffff8,
    });
    expect(fat32.clusterCount).toBeGreaterThanOrEqual(65525);
    expect(fat32.dataOffset).toBe(fat32.fatOffset + 2 * fat32.fatSize);
    const fat16 = readFatBootSector(boot('FAT16'));
    expect(fat16).toMatchObject({ kind: 'FAT16', entryBits: 16, clusterSize: 2048, rootCluster: 0 });
    expect(fat16.rootDirSize).toBe(512 * 32);
    expect(fat16.dataOffset).toBe(fat16.rootDirOffset + fat16.rootDirSize);
    const fat12 = readFatBootSector(boot('FAT12'));
    expect(fat12).toMatchObject({ kind: 'FAT12', entryBits: 12, endOfChain: 0xff8 });
    expect(fat12.maxCluster).toBe(fat12.clusterCount + 1);
  });

  test('the width comes from the cluster count, not the "FAT32" text', () => {
    const bytes = boot('FAT16');
    bytes.write('FAT32   ', 54, 'latin1');
    expect(readFatBootSector(bytes).kind).toBe('FAT16');
  });

  test('FAT32 with mirroring off reads only the active FAT', () => {
    const bytes = boot('FAT32');
    bytes.writeUInt16LE(0x81, 40);
    expect(readFatBootSector(bytes).fatCopies).toEqual([1]);
    bytes.writeUInt16LE(0x85, 40);
    expectInvalid(bytes, /active FAT 5/);
  });

  test('rejects what is not a consistent FAT boot sector', () => {
    expectInvalid(Buffer.alloc(512), /jump/);
    expectInvalid(boot('FAT32').subarray(0, 100), /shorter than one sector/);
    const noSignature = boot('FAT32');
    noSignature[510] = 0;
    expectInvalid(noSignature, /55 AA/);
    const sector = boot('FAT32');
    sector.writeUInt16LE(300, 11);
    expectInvalid(sector, /bytes per sector 300/);
    const cluster = boot('FAT16');
    cluster[13] = 3;
    expectInvalid(cluster, /sectors per cluster 3/);
    const noFats = boot('FAT16');
    noFats[16] = 0;
    expectInvalid(noFats, /no FAT copies/);
    const tooBigFat = boot('FAT16');
    tooBigFat.writeUInt16LE(0xffff, 22);
    expectInvalid(tooBigFat, /no room for a data area/);
  });

  test('a FAT32 layout with too few clusters for FAT32 is refused, saying why', () => {
    const bytes = boot('FAT32');
    bytes[13] = 8; // eight times bigger clusters: ~10,000 of them, a FAT16 count
    expectInvalid(bytes, /FAT32 layout with only \d+ clusters/);
  });
});
