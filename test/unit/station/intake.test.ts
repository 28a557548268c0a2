import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueJobs, StationLoads } from '../../../src/jobs/index.js';
import {
  localStationControl,
  receiveDevice,
  type InspectionSettings,
  type PackageContents,
} from '../../../src/station/index.js';
import { fuseAvailable, startBadblk } from '../../helpers/badblk.js';
import {
  customerWithBucket,
  importManifest,
  makeServices,
  type TestServices,
} from '../../helpers/services.js';

// The intake against the real StationJobs (embedded store) and real images built with Debian's
// mkfs tools; the remote path (CLI -> admin API) is covered by test/functional/station-receive.
const dir = mkdtempSync(join(tmpdir(), 'longshore-intake-'));
let services: TestServices;
let key = '';
const settings: InspectionSettings = {
  acceptedConnectors: ['usb2', 'usb3', 'esata', 'sata'],
  acceptedPowerSupplies: ['120V-60Hz'],
  acceptedFileSystems: ['FAT32', 'ext2', 'ext3', 'NTFS'],
  fatTimeZone: 'UTC',
  workDir: join(dir, 'work'),
};
const loads = () => new StationLoads(services.station, services.store);
const control = () => localStationControl({ jobs: services.station, loads: loads() }, 'dock-7');
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1', TZ: 'UTC' },
  });

beforeAll(async () => {
  services = await makeServices();
  ({ key } = await customerWithBucket(services, 'intake-bucket'));
  mkdirSync(settings.workDir, { recursive: true });
});
afterAll(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newJob(): Promise<{ jobId: string; signature: string }> {
  const manifestText = importManifest('intake-bucket', `accessKeyId: ${key}\n`);
  const created = await services.jobs.createJob({
    caller: key,
    jobType: 'Import',
    manifestText,
    validateOnly: false,
    actor: 'test',
  });
  return { jobId: created.jobId!, signature: created.signatureFileContents! };
}

/** A tree with a SIGNATURE file (under `signatureName`, or none). */
function tree(name: string, signature: string | null, signatureName = 'SIGNATURE'): string {
  const root = join(dir, `${name}-tree`);
  mkdirSync(join(root, 'photos'), { recursive: true });
  writeFileSync(join(root, 'photos', 'beach.jpg'), 'not really a jpeg');
  if (signature !== null) writeFileSync(join(root, signatureName), signature);
  return root;
}

function image(name: string, fs: string, root: string): string {
  const path = join(dir, `${name}.img`);
  run('truncate', ['-s', fs === 'FAT32' ? '40M' : '16M', path]);
  if (fs === 'FAT32' || fs === 'FAT16') {
    run('mkfs.vfat', [fs === 'FAT32' ? '-F32' : '-F16', '-s', '1', path]);
    run('sh', ['-c', `LC_ALL=C.UTF-8 mcopy -s -m -Q -i "${path}" "${root}"/* ::/`]);
  } else if (fs === 'NTFS') {
    run('mkntfs', ['-q', '-F', '-f', path]);
    run('sh', [
      '-c',
      `for f in "${root}"/*; do [ -f "$f" ] && ntfscp -q "${path}" "$f" "/$(basename "$f")"; done; true`,
    ]);
  } else {
    run('mke2fs', ['-q', '-F', '-t', fs, '-d', root, path]);
  }
  return path;
}

const contents = (devicePath: string, extra: Partial<PackageContents> = {}): PackageContents => ({
  devicePath,
  connector: 'usb3',
  power: '120V-60Hz',
  missing: [],
  ...extra,
});

describe('receiveDevice: good disks', () => {
  it.each(['FAT32', 'ext2', 'ext3', 'NTFS'])(
    "%s with the job's SIGNATURE: AtAWS + Pending, history with the station",
    async (fs) => {
      const { jobId, signature } = await newJob();
      const path = image(`good-${fs}`, fs, tree(`good-${fs}`, signature));
      const result = await receiveDevice(control(), jobId, contents(path), settings);
      expect(result).toMatchObject({ passed: true, failure: null, fileSystem: fs, volume: 'whole device' });
      expect(result.job).toMatchObject({ locationCode: 'AtAWS', progressCode: 'Pending' });
      const history = await services.station.history(jobId);
      expect(history.map((h) => [h.actor, h.location, h.progress])).toEqual(
        expect.arrayContaining([
          ['station:dock-7', 'AtAWS', 'Pending'],
          ['station:dock-7', 'AtAWS', 'Pending'],
        ]),
      );
      expect(history.at(-1)?.detail).toContain(`inspection passed: ${fs}`);
      expect(await loads().getLoad(jobId)).toMatchObject({
        station: 'dock-7',
        devicePath: path,
        volumeOffset: 0,
        fileSystem: fs,
      });
    },
  );

  it('matches `signature` case-insensitively on FAT32 but exactly on ext2', async () => {
    const fat = await newJob();
    const fatPath = image('lower-fat', 'FAT32', tree('lower-fat', fat.signature, 'signature'));
    expect((await receiveDevice(control(), fat.jobId, contents(fatPath), settings)).passed).toBe(true);
    const ext = await newJob();
    const extPath = image('lower-ext', 'ext2', tree('lower-ext', ext.signature, 'signature'));
    const result = await receiveDevice(control(), ext.jobId, contents(extPath), settings);
    expect(result.failure).toBe('MissingSignature');
  });

  it('a second intake of a received job inspects again instead of failing', async () => {
    const { jobId, signature } = await newJob();
    const path = image('again', 'ext2', tree('again', signature));
    await receiveDevice(control(), jobId, contents(path), settings);
    const again = await receiveDevice(control(), jobId, contents(path), settings);
    expect(again).toMatchObject({ alreadyReceived: true, passed: true });
  });
});

describe('receiveDevice: inspection failures, in DECISIONS §2 order', () => {
  const failing: [
    string,
    (jobSig: string, other: string) => PackageContents | Promise<PackageContents>,
    string,
  ][] = [
    ['parts missing', () => contents('/nonexistent', { missing: ['power-supply'] }), 'MissingDevice'],
    [
      'missing beats a bad connector',
      () => contents('/nonexistent', { missing: ['device'], connector: 'scsi' }),
      'MissingDevice',
    ],
    [
      'a connector the station refuses',
      () => contents('/nonexistent', { connector: 'firewire' }),
      'UnsupportedDeviceType',
    ],
    [
      'a power supply the station refuses',
      () => contents('/nonexistent', { power: '230V-50Hz' }),
      'UnsupportedPowerSupply',
    ],
    [
      'random bytes (unrecognised, DECISIONS §9)',
      () => {
        const path = join(dir, 'random.img');
        writeFileSync(path, Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 256)));
        return contents(path);
      },
      'UnsupportedFileFormat',
    ],
    [
      'a FAT32 volume bigger than its device (truncated)',
      () => {
        const path = image('cut', 'FAT32', tree('cut', null));
        run('truncate', ['-s', '20M', path]);
        return contents(path);
      },
      'DeviceError',
    ],
    ['FAT16', (sig) => contents(image('fat16', 'FAT16', tree('fat16', sig))), 'UnsupportedFileFormat'],
    [
      'ext4 (not enabled)',
      (sig) => contents(image('ext4', 'ext4', tree('ext4', sig))),
      'UnsupportedFileFormat',
    ],
    ['no SIGNATURE', () => contents(image('nosig', 'FAT32', tree('nosig', null))), 'MissingSignature'],
    [
      "another job's SIGNATURE",
      (_sig, other) => contents(image('other', 'ext3', tree('other', other))),
      'InvalidSignature',
    ],
    [
      'a file that is not a signature file',
      () => contents(image('junk', 'ext2', tree('junk', 'hello'))),
      'InvalidSignature',
    ],
  ];
  it.each(failing)('%s', async (_name, make, code) => {
    const { jobId, signature } = await newJob();
    const other = await newJob();
    const result = await receiveDevice(control(), jobId, await make(signature, other.signature), settings);
    expect(result).toMatchObject({ passed: false, failure: code });
    expect(result.job).toMatchObject({ locationCode: 'AtAWS', progressCode: code });
    const status = await services.jobs.getStatus(key, jobId);
    expect(status.progressCode).toBe(code);
    expect(status.progressMessage).toContain(result.detail);
    expect((await services.station.history(jobId)).at(-1)).toMatchObject({
      actor: 'station:dock-7',
      progress: code,
    });
  });

  it('says what it found when no file system is accepted', async () => {
    const { jobId, signature } = await newJob();
    const result = await receiveDevice(
      control(),
      jobId,
      contents(image('ext4b', 'ext4', tree('ext4b', signature))),
      settings,
    );
    expect(result.detail).toMatch(/ext4 with .*extent.*accepted: FAT32, ext2, ext3, NTFS/);
  });

  it('loads ext4 when the station enables it', async () => {
    const { jobId, signature } = await newJob();
    const path = image('ext4c', 'ext4', tree('ext4c', signature));
    const result = await receiveDevice(control(), jobId, contents(path), {
      ...settings,
      acceptedFileSystems: ['ext4'],
    });
    expect(result).toMatchObject({ passed: true, fileSystem: 'ext4' });
  });
});

describe.skipIf(!fuseAvailable())(
  'receiveDevice: unreadable first sectors (badblk FUSE fault injection)',
  () => {
    it('gives DeviceError when the first sectors cannot be read', async () => {
      const { jobId, signature } = await newJob();
      const good = image('bad-first', 'ext2', tree('bad-first', signature));
      const bad = await startBadblk(good, [{ start: 0, end: 4096 }]);
      try {
        const result = await receiveDevice(control(), jobId, contents(bad.path), settings);
        expect(result).toMatchObject({ passed: false, failure: 'DeviceError' });
        expect(result.detail).toMatch(/EIO|input\/output/i);
      } finally {
        await bad.stop();
      }
    });
  },
);

describe('receiveDevice: refused jobs leave the device alone', () => {
  it('unknown, canceled and expired jobs keep their codes', async () => {
    await expect(receiveDevice(control(), 'ZZZZZ', contents('/nonexistent'), settings)).rejects.toMatchObject(
      { code: 'InvalidJobIdException' },
    );
    const canceled = await newJob();
    await services.jobs.cancelJob(key, canceled.jobId, 'test');
    await expect(
      receiveDevice(control(), canceled.jobId, contents('/nonexistent'), settings),
    ).rejects.toMatchObject({ code: 'CanceledJobIdException' });
    const expired = await newJob();
    services.clock.advanceDays(31);
    await expireDueJobs({ store: services.store, expiryDays: 30, now: services.clock.now });
    await expect(
      receiveDevice(control(), expired.jobId, contents('/nonexistent'), settings),
    ).rejects.toMatchObject({ code: 'ExpiredJobIdException' });
  });
});
