import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImportLog, type ImportLogRow } from '../../src/station/import-log/index.js';
import type { S3Connection } from '../../src/storage/s3/s3-client.js';
import type { RadosgwEnv } from '../helpers/radosgw.js';
import { closeRgwWorld, openRgwWorld, stationS3Env, type RgwWorld } from '../helpers/rgw-world.js';
import { startS3Proxy, type S3ProxyOptions } from '../helpers/s3-proxy.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';
import { uniqueBucketName } from '../helpers/storage.js';

// `longshore station load` of a file above the single-PUT size (16 MiB) into a real Ceph RADOS
// Gateway, through the logging and fault-injecting proxy (test/helpers/s3-proxy.ts): it goes as
// one streamed PUT, checked by the ETag the gateway answers; bytes damaged on the way are stored
// by the gateway (the payload is unsigned), found by that check, sent again, and deleted after the
// last try; `--stream-put-max 0` sends it in parts. The device is a directory (on this machine's
// ext4) holding the file, a small one and the job's SIGNATURE.

const TIMEOUT = 240_000;
const MiB = 1024 * 1024;
const BIG = randomBytes(20 * MiB + 7);
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

let opened: RgwWorld | null = null;
let rgw: RadosgwEnv;
let s3: S3Connection;
let world: StationWorld;
const s3Env = (endpoint: string) => stationS3Env(rgw, endpoint);

beforeAll(async () => {
  opened = await openRgwWorld((env) =>
    startStationWorld('streamed', { bucket: uniqueBucketName('streamed'), env: stationS3Env(env) }),
  );
  if (opened !== null) ({ rgw, s3, world } = opened);
}, TIMEOUT);
afterAll(() => closeRgwWorld(opened));
beforeEach((context) => {
  if (opened === null) context.skip();
});

/** A received job whose device is a directory with big.bin, small.txt and the SIGNATURE. */
async function receivedDirectoryJob(prefix: string): Promise<string> {
  const { jobId, signature } = await world.createJob(prefix, `prefix: ${prefix}/\n`);
  const device = join(world.work, `device-${jobId}`);
  await mkdir(device, { recursive: true });
  await writeFile(join(device, 'big.bin'), BIG);
  await writeFile(join(device, 'small.txt'), 'a small file\n');
  await writeFile(join(device, 'SIGNATURE'), signature);
  const accepted = ['--accepted-file-systems', 'FAT32,ext2,ext3,ext4,NTFS']; // the folder is on ext4
  const receive = await world.cli(['station', 'receive', '--job-id', jobId, '--device', device, ...accepted]);
  expect(receive.code, receive.stderr).toBe(0);
  expect(JSON.parse(receive.stdout)).toMatchObject({ passed: true });
  return jobId;
}

/** Loads through a new proxy; the summary, the log's rows by file, and the proxy's requests for big.bin. */
async function load(jobId: string, prefix: string, options: S3ProxyOptions = {}, flags: string[] = []) {
  const proxy = await startS3Proxy(rgw.endpoint, options);
  try {
    const run = await world.cli(['station', 'load', '--job-id', jobId, ...flags], s3Env(proxy.url));
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { outcome: string; errors: number };
    const status = JSON.parse((await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout) as {
      LogKey: string;
    };
    const log = await s3.client.send(new GetObjectCommand({ Bucket: world.bucket, Key: status.LogKey }));
    const rows = parseImportLog(await log.Body!.transformToString('utf8'));
    const byFile = new Map<string, ImportLogRow>(rows.map((r) => [r.file, r]));
    return { summary, byFile, big: proxy.requests.filter((r) => r.key === `${prefix}/big.bin`) };
  } finally {
    await proxy.stop();
  }
}

async function storedEtag(key: string): Promise<string | null> {
  try {
    return (await s3.client.send(new HeadObjectCommand({ Bucket: world.bucket, Key: key }))).ETag ?? null;
  } catch {
    return null;
  }
}

describe('station load of a file above the single-PUT size into Ceph RGW', () => {
  it(
    'sends it as one streamed PUT and logs its MD5, the ETag the gateway answered',
    async () => {
      const jobId = await receivedDirectoryJob('stream');
      const { summary, byFile, big } = await load(jobId, 'stream');
      expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
      expect(big.map((r) => [r.method, r.uploadId, r.status])).toEqual([['PUT', null, 200]]);
      expect(byFile.get('big.bin')).toMatchObject({
        status: 200,
        code: 'OK',
        md5: md5(BIG),
        bytes: BIG.length,
      });
      expect(await storedEtag('stream/big.bin')).toBe(`"${md5(BIG)}"`);
    },
    TIMEOUT,
  );

  it(
    'sends it again when the gateway stored damaged bytes, and deletes them after the last try (BadDigest)',
    async () => {
      const jobId = await receivedDirectoryJob('damaged');
      let damaged = 0;
      const corrupt = (method: string, path: string) =>
        method === 'PUT' && path === `/${world.bucket}/damaged/big.bin` && damaged++ < 1;
      const once = await load(jobId, 'damaged', { corrupt });
      expect(once.big.map((r) => [r.method, r.injected, r.status])).toEqual([
        ['PUT', 'corrupt', 200],
        ['PUT', null, 200],
      ]);
      expect(once.byFile.get('big.bin')).toMatchObject({ status: 200, code: 'OK', md5: md5(BIG) });
      expect(await storedEtag('damaged/big.bin')).toBe(`"${md5(BIG)}"`);

      const again = await receivedDirectoryJob('ruined');
      const always = (method: string, path: string) =>
        method === 'PUT' && path === `/${world.bucket}/ruined/big.bin`;
      const { summary, byFile, big } = await load(again, 'ruined', { corrupt: always });
      expect(summary).toMatchObject({ outcome: 'finished', errors: 1 });
      expect(big.filter((r) => r.method === 'PUT').length).toBe(6); // the retry policy's tries
      expect(big.at(-1)?.method).toBe('DELETE');
      expect(byFile.get('big.bin')).toMatchObject({ status: 400, code: 'BadDigest', md5: md5(BIG) });
      expect(byFile.get('small.txt')).toMatchObject({ status: 200, code: 'OK' });
      expect(await storedEtag('ruined/big.bin')).toBeNull();
    },
    TIMEOUT,
  );

  it(
    'sends it in parts with --stream-put-max 0',
    async () => {
      const jobId = await receivedDirectoryJob('parts');
      const { summary, byFile, big } = await load(jobId, 'parts', {}, ['--stream-put-max', '0']);
      expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
      const parts = big.filter((r) => r.method === 'PUT' && r.uploadId !== null).map((r) => r.partNumber);
      expect(parts.sort()).toEqual([1, 2]); // logged as answered, not always in order
      expect(byFile.get('big.bin')).toMatchObject({ status: 200, code: 'OK', md5: md5(BIG) });
      expect(await storedEtag('parts/big.bin')).toMatch(/-2"$/);
    },
    TIMEOUT,
  );
});
