/**
 * The Ceph RADOS Gateway the sets are loaded into: started (or checked) by
 * scripts/ensure-radosgw, its endpoint and keys from <dir>/env, its daemons' PIDs from <dir>/run,
 * and a small S3 client for the bench's own calls (create a bucket, count what landed in it).
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../devices/shell.js';
import type { WatchedProcess } from './measure.js';

/** Where the gateway answers and the keys of its bench user. */
export interface Gateway {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** ceph-osd, radosgw and ceph-mon, for their CPU. */
  readonly daemons: readonly WatchedProcess[];
  /** radosgw's admin socket (request counters). */
  readonly asok: string;
  /** The cluster's ceph.conf (for radosgw-admin). */
  readonly conf: string;
}

const DAEMONS = [
  ['osd', 'ceph-osd'],
  ['rgw', 'radosgw'],
  ['mon', 'ceph-mon'],
] as const;

function envValue(text: string, name: string): string {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`${name} missing from the gateway's env file`);
  return line.slice(name.length + 1).trim();
}

/**
 * Runs scripts/ensure-radosgw (installs, starts or restarts the gateway) and reads what it wrote.
 * Throws when the script fails or a daemon's PID file is missing.
 */
export async function ensureGateway(script: string, dir: string): Promise<Gateway> {
  await runCommand('bash', [script], { LONGSHORE_RGW_DIR: dir });
  const env = await readFile(join(dir, 'env'), 'utf8');
  const daemons: WatchedProcess[] = [];
  for (const [file, name] of DAEMONS) {
    const pid = Number((await readFile(join(dir, 'run', `${file}.pid`), 'utf8')).trim());
    daemons.push({ name, pid });
  }
  const asok = (await readdir(join(dir, 'run'))).find((name) => /^ceph-client\.rgw\..*\.asok$/.test(name));
  if (asok === undefined) throw new Error(`no radosgw admin socket in ${join(dir, 'run')}`);
  return {
    asok: join(dir, 'run', asok),
    conf: join(dir, 'ceph.conf'),
    endpoint: envValue(env, 'LONGSHORE_TEST_S3_ENDPOINT'),
    accessKeyId: envValue(env, 'LONGSHORE_TEST_S3_ACCESS_KEY_ID'),
    secretAccessKey: envValue(env, 'LONGSHORE_TEST_S3_SECRET_ACCESS_KEY'),
    daemons,
  };
}

/** An S3 client on the gateway, path-style, with the bench user's keys. */
export function gatewayClient(gateway: Gateway): S3Client {
  return new S3Client({
    endpoint: gateway.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey },
  });
}

/** Creates `bucket` (owned by the bench user). Errors: the S3 error (e.g. BucketAlreadyExists). */
export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Objects and bytes in `bucket`, through every page of ListObjectsV2. Errors: the S3 error. */
export async function countObjects(
  client: S3Client,
  bucket: string,
): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const item of page.Contents ?? []) {
      objects++;
      bytes += item.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return { objects, bytes };
}

/**
 * Deletes every object of `bucket` (DeleteObjects, 1,000 at a time) and the bucket, then has the
 * gateway reclaim the space at once (`radosgw-admin gc process --include-all`; RGW otherwise
 * waits hours). Errors: the S3 error, or radosgw-admin failing.
 */
export async function removeBucket(client: S3Client, gateway: Gateway, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((item) => ({ Key: item.Key! }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  await runCommand('radosgw-admin', ['gc', 'process', '--include-all'], { CEPH_CONF: gateway.conf });
}
