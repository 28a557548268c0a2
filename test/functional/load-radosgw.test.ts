import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImportLog, type ImportLogRow } from '../../src/station/import-log/index.js';
import type { S3Connection } from '../../src/storage/s3/s3-client.js';
import { readExpected } from '../helpers/disks.js';
import type { RadosgwEnv } from '../helpers/radosgw.js';
import { closeRgwWorld, openRgwWorld, type RgwWorld } from '../helpers/rgw-world.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';
import { uniqueBucketName } from '../helpers/storage.js';

// station-load.test.ts with a real Ceph RADOS Gateway as the storage target: `longshore serve`
// and the station commands both take the gateway's endpoint and the service's keys (DECISIONS §8,
// --s3-endpoint), a customer job, a partitioned fixture disk with the job's SIGNATURE, `station
// receive`, `station load`; then every object is read back from the gateway (bytes against the
// fixture's sha256, a Content-Type) and every import-log row is checked. A partitioned fixture
// holds 11,017 files and takes about 85 s here (load ~50 s, reading back ~30 s), so by default
// three run (FAT32, NTFS and ext2) plus the small ext3 volume that needs journal recovery, so all
// four file systems are covered; LONGSHORE_RGW_ALL_FIXTURES=1 adds the partitioned ext3.
const PARTITIONED = ['fat32-mbr', 'ext2-gpt', 'ext3-mbr', 'ntfs-gpt'];
const FIXTURES =
  process.env.LONGSHORE_RGW_ALL_FIXTURES === '1'
    ? [...PARTITIONED, 'ext3-dirty']
    : ['fat32-mbr', 'ntfs-gpt', 'ext2-gpt', 'ext3-dirty'];
/** A load of 11,017 files may take longer than runCli's 60 s. */
const LOAD_TIMEOUT_MS = 300_000;
const TIMEOUT = 600_000;
/** Objects read back from the gateway at once. */
const READERS = 16;

let opened: RgwWorld | null = null;
let s3: S3Connection;
let world: StationWorld;

/** The storage options of serve and the station: the gateway, written with the service's keys. */
const s3Flags = (env: RadosgwEnv) => [
  '--s3-endpoint',
  env.endpoint,
  '--s3-access-key-id',
  env.accessKeyId,
  '--s3-secret-access-key',
  env.secretAccessKey,
];

beforeAll(async () => {
  opened = await openRgwWorld((rgw) => {
    const flags = s3Flags(rgw);
    const bucket = uniqueBucketName('load');
    return startStationWorld('rgw-load', { bucket, serveArgs: flags, stationArgs: flags });
  });
  if (opened !== null) ({ s3, world } = opened);
}, TIMEOUT);
afterAll(() => closeRgwWorld(opened));
beforeEach((context) => {
  if (opened === null) context.skip();
});

/** One object as the gateway gives it back: its bytes' sha256 and md5, and its Content-Type. */
async function fetchObject(
  key: string,
): Promise<{ sha256: string; md5: string; contentType: string | undefined }> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: world.bucket, Key: key }));
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of answer.Body as Readable) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), contentType: answer.ContentType };
}

/** Runs `work` on every item, `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe.each(FIXTURES)('station receive + load of %s into Ceph RGW', (fixture) => {
  it(
    'stores every file with its bytes and a Content-Type, one log row each, Success in GetStatus',
    async () => {
      const prefix = `${fixture}/`;
      const { jobId } = await world.receivedJob(fixture, `prefix: ${prefix}\nlogPrefix: logs/\n`);
      const bucket = world.bucket;
      const started = Date.now();
      const load = await world.cli(['station', 'load', '--job-id', jobId], {}, LOAD_TIMEOUT_MS);
      expect(load.code, load.stderr).toBe(0);
      const loadSeconds = (Date.now() - started) / 1000;
      const summary = JSON.parse(load.stdout) as { outcome: string; errors: number; log: { key: string } };
      const logKey = `logs/import-log-${jobId}.csv`;
      expect(summary).toMatchObject({ outcome: 'finished', errors: 0, log: { bucket, key: logKey } });

      const status = JSON.parse(
        (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
      ) as Record<string, unknown>;
      expect(status).toMatchObject({
        LocationCode: 'AtAWS',
        ProgressCode: 'Success',
        LogBucket: bucket,
        LogKey: logKey,
        ErrorCount: 0,
      });

      const logObject = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: logKey }));
      const rows = parseImportLog(await logObject.Body!.transformToString('utf8'));
      const byFile = new Map<string, ImportLogRow>(rows.map((r) => [r.file, r]));
      expect(byFile.size, 'one row per file').toBe(rows.length);
      const expected = (await readExpected(fixture)).filter((e) => e.type !== 'directory');
      expect(rows).toHaveLength(expected.length);
      const stored = expected.filter((e) => e.type === 'file' && e.path !== 'SIGNATURE');
      for (const entry of expected) {
        const row = byFile.get(entry.path);
        expect(row, entry.path).toBeDefined();
        if (entry.type === 'file' && entry.path !== 'SIGNATURE') {
          const got = [row!.status, row!.code, row!.key, row!.bytes];
          expect([entry.path, ...got]).toEqual([
            entry.path,
            200,
            'OK',
            `${bucket}/${prefix}${entry.path}`,
            entry.size,
          ]);
        } else expect([entry.path, row!.status, row!.code]).toEqual([entry.path, 103, 'Ignored']);
      }

      const checkStarted = Date.now();
      await eachLimited(stored, READERS, async (entry) => {
        const object = await fetchObject(`${prefix}${entry.path}`);
        const row = byFile.get(entry.path)!;
        expect([entry.path, object.sha256, object.md5]).toEqual([entry.path, entry.sha256, row.md5]);
        expect([entry.path, object.contentType]).toEqual([entry.path, row.contentType]);
        expect(object.contentType, entry.path).toMatch(/^[a-z]+\/[-+.\w]+/);
      });
      console.log(
        `${fixture}: ${stored.length} files loaded into RGW in ${loadSeconds.toFixed(1)} s, ` +
          `read back in ${((Date.now() - checkStarted) / 1000).toFixed(1)} s`,
      );
    },
    TIMEOUT,
  );
});
