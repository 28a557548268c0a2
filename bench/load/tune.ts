/**
 * `--tune`: each peer with candidate settings, once each, into the gateway, on each set asked for,
 * to justify PEER_TUNING (bench/load/peers.ts): rclone `--transfers` (= `--checkers`), then
 * `--s3-upload-concurrency` with the best transfers when a file is large enough for rclone to send
 * it in parts (200 MiB), and aws `max_concurrent_requests`. Prints the runs and the fastest.
 */
import type { DataSet } from './datasets.js';
import { awsCommand, rcloneCommand, TUNE_CANDIDATES, tuningOf, type PeerTuning } from './peers.js';
import { createBucket } from './rgw.js';
import { bucketName, describe, gatewayOf, timed, type SeriesContext } from './run-context.js';
import type { RunRecord } from './rows.js';
import { checkBucket } from './series.js';

/** One candidate's run. */
export interface TuneRun {
  readonly set: string;
  readonly peer: 'rclone' | 'aws';
  readonly setting: string;
  readonly tuning: PeerTuning;
  readonly record: RunRecord;
}

/** rclone's multipart cutoff: smaller files go in one PUT, so upload concurrency does not apply. */
const RCLONE_CUTOFF = 200 * 1024 * 1024;

async function runCandidate(
  context: SeriesContext,
  set: DataSet,
  peer: 'rclone' | 'aws',
  tuning: PeerTuning,
  index: number,
): Promise<RunRecord> {
  const bucket = bucketName(context, set.name, `${peer}t${index}`, 1);
  const { gateway, s3, configs } = gatewayOf(context);
  await createBucket(s3, bucket);
  const command =
    peer === 'rclone'
      ? rcloneCommand(gateway, set.tree, bucket, tuning)
      : awsCommand(gateway, configs.aws(tuning.awsMaxConcurrentRequests), set.tree, bucket);
  const record = await timed(context, context.targets.rgw!, { set, row: peer, round: 1, bucket, command });
  await checkBucket(context, set, peer, bucket);
  return record;
}

async function tuneSet(context: SeriesContext, set: DataSet): Promise<TuneRun[]> {
  const runs: TuneRun[] = [];
  const base = tuningOf(set.name);
  const attempt = async (peer: 'rclone' | 'aws', setting: string, tuning: PeerTuning) => {
    const record = await runCandidate(context, set, peer, tuning, runs.length);
    context.log(`tune set ${set.name} ${peer} ${setting}: ${describe(record)}`);
    runs.push({ set: set.name, peer, setting, tuning, record });
  };
  for (const transfers of TUNE_CANDIDATES.rcloneTransfers) {
    await attempt('rclone', `--transfers ${transfers}`, { ...base, rcloneTransfers: transfers });
  }
  if (set.largestFile >= RCLONE_CUTOFF) {
    const best = fastest(runs, 'rclone')!.tuning;
    for (const parts of TUNE_CANDIDATES.rcloneUploadConcurrency) {
      const setting = `--transfers ${best.rcloneTransfers} --s3-upload-concurrency ${parts}`;
      await attempt('rclone', setting, { ...best, rcloneUploadConcurrency: parts });
    }
  }
  for (const requests of TUNE_CANDIDATES.awsMaxConcurrentRequests) {
    await attempt('aws', `max_concurrent_requests ${requests}`, {
      ...base,
      awsMaxConcurrentRequests: requests,
    });
  }
  return runs;
}

function fastest(runs: readonly TuneRun[], peer: 'rclone' | 'aws'): TuneRun | null {
  const mine = runs.filter((run) => run.peer === peer);
  return mine.length === 0 ? null : mine.reduce((a, b) => (b.record.seconds < a.record.seconds ? b : a));
}

/** Runs the candidates on every set of the context but D. Throws on a failed run. */
export async function runTune(context: SeriesContext): Promise<TuneRun[]> {
  const runs: TuneRun[] = [];
  for (const set of context.sets.filter((candidate) => candidate.name !== 'D')) {
    runs.push(...(await tuneSet(context, set)));
  }
  return runs;
}

/** The runs as a Markdown table, then the fastest setting per set and peer. */
export function formatTune(runs: readonly TuneRun[]): string {
  const lines = [
    ['set', 'peer', 'setting', 's', 'MB/s', 'files/s', 'client CPU s'],
    ['---', '---', '---', '---', '---', '---', '---'],
    ...runs.map(({ set, peer, setting, record }) => [
      set,
      peer,
      setting,
      record.seconds.toFixed(2),
      (record.bytes / 1e6 / record.seconds).toFixed(1),
      (record.files / record.seconds).toFixed(0),
      record.clientCpuSeconds.toFixed(2),
    ]),
  ].map((line) => `| ${line.join(' | ')} |`);
  const best = [...new Set(runs.map((run) => run.set))].flatMap((set) =>
    (['rclone', 'aws'] as const).map((peer) => {
      const win = fastest(
        runs.filter((run) => run.set === set),
        peer,
      );
      return win === null
        ? ''
        : `fastest on set ${set}: ${peer} ${win.setting} (${win.record.seconds.toFixed(2)} s)`;
    }),
  );
  return [...lines, '', ...best.filter((line) => line !== '')].join('\n');
}
