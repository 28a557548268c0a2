/**
 * The peers Longshore is compared with, tuned per data set, and the two bounds, as commands to
 * time: `rclone copy` (Debian's), `/usr/bin/aws s3 cp --recursive`, `s3cmd sync`; the data read
 * alone (tar piped through cat) and curl PUTs of the large files as single objects, all in
 * parallel. Every peer leaves the SIGNATURE at the tree's root out, so all tools upload the same
 * objects. `--tune` (bench/load/tune.ts) tries TUNE_CANDIDATES to justify the table.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SIGNATURE_NAME } from './datasets.js';
import type { SetName } from './options.js';
import type { Gateway } from './rgw.js';

/** A command to time, with the environment it needs. */
export interface ClientCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

/** The settings a peer is tuned by. */
export interface PeerTuning {
  /** rclone `--transfers` (and `--checkers`): files at once. */
  readonly rcloneTransfers: number;
  /** rclone `--s3-upload-concurrency`: parts at once per multipart file (over 200 MiB). */
  readonly rcloneUploadConcurrency: number;
  /** aws `max_concurrent_requests`. */
  readonly awsMaxConcurrentRequests: number;
}

/**
 * The peers' settings per set (D is loaded by Longshore only). Values from `--tune` runs; rerun
 * `npm run bench -- --tune --sets A,B,C` after a change of machine or peer version.
 */
export const PEER_TUNING: Readonly<Record<Exclude<SetName, 'D'>, PeerTuning>> = {
  A: { rcloneTransfers: 32, rcloneUploadConcurrency: 8, awsMaxConcurrentRequests: 32 },
  B: { rcloneTransfers: 32, rcloneUploadConcurrency: 8, awsMaxConcurrentRequests: 32 },
  C: { rcloneTransfers: 32, rcloneUploadConcurrency: 8, awsMaxConcurrentRequests: 32 },
};

/** What `--tune` tries: each value once, the others from PEER_TUNING. */
export const TUNE_CANDIDATES = {
  rcloneTransfers: [4, 8, 16, 32, 64],
  rcloneUploadConcurrency: [2, 4, 8, 16],
  awsMaxConcurrentRequests: [10, 20, 32, 64],
} as const;

/** The tuning of set `set` (B's for D). */
export function tuningOf(set: SetName): PeerTuning {
  return PEER_TUNING[set === 'D' ? 'B' : set];
}

/** The peers' settings in words, for the results file. */
export function describeTuning(tuning: PeerTuning): Record<string, string> {
  return {
    rclone: rcloneTuningArgs(tuning).join(' '),
    aws: `max_concurrent_requests ${tuning.awsMaxConcurrentRequests}, multipart_chunksize 16MB, max_queue_size 10000`,
    s3cmd: 'defaults (one file at a time, 15 MiB parts)',
    curl: 'one PUT per large file, all at once, UNSIGNED-PAYLOAD',
  };
}

function rcloneTuningArgs(tuning: PeerTuning): string[] {
  const transfers = String(tuning.rcloneTransfers);
  const parts = String(tuning.rcloneUploadConcurrency);
  return [
    '--transfers',
    transfers,
    '--checkers',
    transfers,
    '--s3-upload-concurrency',
    parts,
    '--s3-chunk-size',
    '16M',
  ];
}

/** The peers' config files: s3cmd's, and aws's for a given `max_concurrent_requests`. */
export interface PeerConfigs {
  readonly s3cmd: string;
  aws(maxConcurrentRequests: number): string;
}

/**
 * Config files of aws (one per `max_concurrent_requests` of the table and of the candidates) and
 * of s3cmd for `gateway`, written into `dir`. Errors: the writes'.
 */
export async function writePeerConfigs(dir: string, gateway: Gateway): Promise<PeerConfigs> {
  const awsPath = (n: number) => join(dir, `aws-config-${n}`);
  const values = new Set([
    ...Object.values(PEER_TUNING).map((tuning) => tuning.awsMaxConcurrentRequests),
    ...TUNE_CANDIDATES.awsMaxConcurrentRequests,
  ]);
  for (const n of values) {
    await writeFile(
      awsPath(n),
      `[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = ${n}\n  max_queue_size = 10000\n` +
        '  multipart_chunksize = 16MB\n  addressing_style = path\n',
    );
  }
  const host = new URL(gateway.endpoint).host;
  const s3cmd = join(dir, 's3cmd.cfg');
  await writeFile(
    s3cmd,
    `[default]\naccess_key = ${gateway.accessKeyId}\nsecret_key = ${gateway.secretAccessKey}\n` +
      `host_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nbucket_location = us-east-1\n` +
      'signature_v2 = False\nprogress_meter = False\n',
  );
  return {
    s3cmd,
    aws(n) {
      if (!values.has(n)) throw new Error(`no aws config for max_concurrent_requests ${n}`);
      return awsPath(n);
    },
  };
}

/** `rclone copy TREE rgw:BUCKET`, configured through RCLONE_CONFIG_RGW_* variables. */
export function rcloneCommand(
  gateway: Gateway,
  tree: string,
  bucket: string,
  tuning: PeerTuning,
): ClientCommand {
  return {
    command: 'rclone',
    args: ['copy', tree, `rgw:${bucket}`, '--exclude', `/${SIGNATURE_NAME}`, ...rcloneTuningArgs(tuning)],
    env: {
      RCLONE_CONFIG_RGW_TYPE: 's3',
      RCLONE_CONFIG_RGW_PROVIDER: 'Ceph',
      RCLONE_CONFIG_RGW_ENDPOINT: gateway.endpoint,
      RCLONE_CONFIG_RGW_ACCESS_KEY_ID: gateway.accessKeyId,
      RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY: gateway.secretAccessKey,
      RCLONE_CONFIG_RGW_FORCE_PATH_STYLE: 'true',
    },
  };
}

/** Debian's `/usr/bin/aws s3 cp --recursive` (not the pyenv one first on PATH). */
export function awsCommand(gateway: Gateway, config: string, tree: string, bucket: string): ClientCommand {
  return {
    command: '/usr/bin/aws',
    args: [
      '--endpoint-url',
      gateway.endpoint,
      's3',
      'cp',
      '--recursive',
      '--only-show-errors',
      '--exclude',
      SIGNATURE_NAME,
      tree,
      `s3://${bucket}/`,
    ],
    env: {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: gateway.accessKeyId,
      AWS_SECRET_ACCESS_KEY: gateway.secretAccessKey,
    },
  };
}

/** `s3cmd sync TREE/ s3://BUCKET/` with its own config file. */
export function s3cmdCommand(config: string, tree: string, bucket: string): ClientCommand {
  return {
    command: 's3cmd',
    args: [
      '-c',
      config,
      'sync',
      '--quiet',
      '--no-progress',
      '--exclude',
      SIGNATURE_NAME,
      `${tree}/`,
      `s3://${bucket}/`,
    ],
    env: {},
  };
}

/** The read bound: `tar cf - -C TREE . | cat > /dev/null` (tar skips reading into /dev/null). */
export function tarCommand(tree: string): ClientCommand {
  return {
    command: 'bash',
    args: ['-c', 'set -o pipefail; tar cf - -C "$1" . | cat > /dev/null', 'bash', tree],
    env: {},
  };
}

/** The ingest bound: one curl PUT (SigV4, unsigned payload) per file of `paths`, all at once. */
export function curlCommand(gateway: Gateway, bucket: string, paths: readonly string[]): ClientCommand {
  const script =
    'for f in "${@:4}"; do curl -fsS -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$2:$3" ' +
    '-H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$f" "$1/$(basename "$f")" & done; ' +
    'ok=0; for job in $(jobs -p); do wait "$job" || ok=1; done; exit $ok';
  return {
    command: 'bash',
    args: [
      '-c',
      script,
      'bash',
      `${gateway.endpoint}/${bucket}`,
      gateway.accessKeyId,
      gateway.secretAccessKey,
      ...paths,
    ],
    env: {},
  };
}
