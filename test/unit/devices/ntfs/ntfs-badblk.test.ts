import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNtfsVolume } from '../../../../src/devices/ntfs/index.js';
import { DeviceReadError, type DeviceReader } from '../../../../src/devices/port.js';
import { mountTestsUnavailableReason, startBadblk, type Badblk } from '../../../helpers/badblk.js';
import { readEverything, sh, sha256Of, sha256OfFile } from '../directory/reader-harness.js';
import { clusterSizeOf, makeNtfsImage, mounted, mountRecords, runlistOf } from './ntfs-images.js';

// FAULT INJECTION under ntfs-3g: the NTFS image is served by badblk with one bad cluster in
// victim.bin's data and one in the index ($INDEX_ALLOCATION) of a directory of 300 entries.
// Only that file and that directory fail, with file-scope errors; the walk and every other
// file go on; the image is not written.

const SKIP = mountTestsUnavailableReason();
const VICTIM_BAD_VCN = 12;
const CROWD = 300;
const files: Record<string, Buffer> = {
  'before.bin': randomBytes(200_000),
  'victim.bin': randomBytes(300_000),
  'after.bin': randomBytes(120_000),
  'fine/one.txt': Buffer.from('one'),
  'fine/two.bin': randomBytes(50_000),
};

let work: string;
let image: string;
let imageSha: string;
let badblk: Badblk | null = null;
let reader: DeviceReader | null = null;

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-ntfs-badblk-'));
  image = join(work, 'ntfs.img');
  await makeNtfsImage(image, 64, {
    fill: async (mnt) => {
      for (const [path, bytes] of Object.entries(files)) {
        await mkdir(join(mnt, path, '..'), { recursive: true });
        await writeFile(join(mnt, path), bytes);
      }
      await mkdir(join(mnt, 'crowded'));
      for (let i = 0; i < CROWD; i++)
        await writeFile(join(mnt, 'crowded', `entry-with-a-long-name-${i}.txt`), `${i}`);
    },
  });
  imageSha = await sha256OfFile(image);
  const cluster = await clusterSizeOf(image);
  const victimRun = (await runlistOf(image, '/victim.bin', '$DATA')).find(
    (r) => r.vcn <= VICTIM_BAD_VCN && VICTIM_BAD_VCN < r.vcn + r.length,
  )!;
  const victimLcn = victimRun.lcn + VICTIM_BAD_VCN - victimRun.vcn;
  const [indexRun] = await runlistOf(image, '/crowded', '$INDEX_ALLOCATION');
  badblk = await startBadblk(image, [
    { start: victimLcn * cluster, end: (victimLcn + 1) * cluster },
    { start: indexRun!.lcn * cluster, end: indexRun!.lcn * cluster + 512 },
  ]);
  reader = await openNtfsVolume(
    { devicePath: badblk.path, offset: 0, size: 64 << 20 },
    { workDir: join(work, 'station') },
  );
}, 60_000);

afterAll(async () => {
  await reader?.close().catch(() => {});
  if (work) {
    for (const record of await mountRecords(join(work, 'station'))) {
      if (await mounted(record.mountPoint)) await sh('umount', ['-l', record.mountPoint]);
    }
  }
  await badblk?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(SKIP)(`NTFS through ntfs-3g on badblk${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('fails only the file with the bad cluster and the directory with the bad index', async () => {
    const { entries, reads } = await readEverything(reader!);
    expect(entries.filter((e) => e.error).map((e) => e.path)).toEqual(['crowded']);
    expect(entries.find((e) => e.path === 'crowded')?.error).toMatchObject({
      code: 'EIO',
      operation: 'readdir',
      path: 'crowded',
      scope: 'file',
    });
    expect(entries.some((e) => e.path.startsWith('crowded/'))).toBe(false);

    const victim = reads.get('victim.bin') as { error: DeviceReadError };
    expect(victim.error).toBeInstanceOf(DeviceReadError);
    expect(victim.error).toMatchObject({ code: 'EIO', operation: 'read', path: 'victim.bin', scope: 'file' });
    expect(victim.error.offset).toBe(VICTIM_BAD_VCN * (await clusterSizeOf(image)));

    for (const path of ['before.bin', 'after.bin', 'fine/one.txt', 'fine/two.bin']) {
      expect(reads.get(path), path).toEqual({ sha256: sha256Of(files[path]!), bytes: files[path]!.length });
    }
    expect(entries.map((e) => e.path)).toEqual([
      'after.bin',
      'before.bin',
      'crowded',
      'fine',
      'fine/one.txt',
      'fine/two.bin',
      'victim.bin',
    ]);
  });

  it('has not written to the image', async () => {
    await reader!.close();
    expect(await sha256OfFile(image)).toBe(imageSha);
  });
});
