import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openS3Store, type S3StoreOptions } from '../../src/storage/s3/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

/** The script that installs, starts and describes the test cluster (see its header). */
const ENSURE_SCRIPT = fileURLToPath(new URL('../../scripts/ensure-radosgw', import.meta.url));
/** Installing Ceph and building a cluster takes about 40 s; leave room for a slow mirror. */
const ENSURE_TIMEOUT_MS = 300_000;

/** Where the test gateway answers, and the keys of its two users. */
export interface RadosgwEnv {
  endpoint: string;
  /** The owner of the test buckets. */
  accessKeyId: string;
  secretAccessKey: string;
  /** A second user who owns none of them (AccessDenied tests). */
  otherAccessKeyId: string;
  otherSecretAccessKey: string;
}

/** Thrown instead of starting anything when LONGSHORE_SKIP_S3=1: tests that see it skip. */
export class RadosgwSkipped extends Error {
  constructor() {
    super('skipped: LONGSHORE_SKIP_S3=1, so no Ceph RADOS Gateway is started for S3 tests');
    this.name = 'RadosgwSkipped';
  }
}

/** True when `error` is the RadosgwSkipped of this or another copy of this module. */
export function isRadosgwSkipped(error: unknown): boolean {
  return error instanceof Error && error.name === 'RadosgwSkipped';
}

let ensured: Promise<RadosgwEnv> | undefined;

/**
 * Makes sure the test gateway runs (scripts/ensure-radosgw, once per process: it does nothing in
 * well under a second when the cluster already answers, and takes a lock when several test
 * processes call it at once) and returns its endpoint and keys from `${LONGSHORE_RGW_DIR}/env`.
 * RadosgwSkipped when LONGSHORE_SKIP_S3=1; an Error with the script's output when it fails.
 */
export function ensureRadosgw(): Promise<RadosgwEnv> {
  if (process.env.LONGSHORE_SKIP_S3 === '1') return Promise.reject(new RadosgwSkipped());
  ensured ??= runEnsureScript().then(readEnvFile);
  return ensured;
}

/**
 * The S3 adapter on the test gateway, as the owner of the test buckets, or with `as: 'other'` as
 * the second user. `options` overrides the adapter's options (e.g. maxSockets). Errors as ensureRadosgw.
 */
export async function openRadosgwStore(
  as: 'owner' | 'other' = 'owner',
  options: Partial<S3StoreOptions> = {},
): Promise<ObjectStore> {
  const env = await ensureRadosgw();
  const keys =
    as === 'owner'
      ? { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey }
      : { accessKeyId: env.otherAccessKeyId, secretAccessKey: env.otherSecretAccessKey };
  return openS3Store({ endpoint: env.endpoint, ...keys, ...options });
}

/** The cluster's folder, as the script computes it. */
function clusterDir(): string {
  return process.env.LONGSHORE_RGW_DIR ?? '/var/tmp/longshore-rgw';
}

function runEnsureScript(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [ENSURE_SCRIPT], { timeout: ENSURE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`scripts/ensure-radosgw failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

async function readEnvFile(): Promise<RadosgwEnv> {
  const path = `${clusterDir()}/env`;
  const values = new Map<string, string>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  const value = (name: string): string => {
    const found = values.get(`LONGSHORE_TEST_S3_${name}`);
    if (!found) throw new Error(`${path} has no LONGSHORE_TEST_S3_${name}`);
    return found;
  };
  return {
    endpoint: value('ENDPOINT'),
    accessKeyId: value('ACCESS_KEY_ID'),
    secretAccessKey: value('SECRET_ACCESS_KEY'),
    otherAccessKeyId: value('OTHER_ACCESS_KEY_ID'),
    otherSecretAccessKey: value('OTHER_SECRET_ACCESS_KEY'),
  };
}
