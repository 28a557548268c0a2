/**
 * One series of the bench: for each round, for each set, the bounds and then every tool in turn
 * (the tools' order rotates from round to round), each into a fresh bucket, timed with the
 * server's CPU around it, and checked: the bucket must then hold every file of the set.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DataSet } from './datasets.js';
import type { Station } from './longshore.js';
import { checkLoadReport } from './longshore.js';
import {
  cpuSpent,
  machineBusySeconds,
  sampleCpu,
  waitForQuiet,
  timeClient,
  totalCpu,
  type CpuByProcess,
  type WatchedProcess,
} from './measure.js';
import type { SetName, ToolName } from './options.js';
import {
  awsCommand,
  curlCommand,
  rcloneCommand,
  s3cmdCommand,
  tarCommand,
  type ClientCommand,
} from './peers.js';
import { countObjects, createBucket, removeBucket, type Gateway } from './rgw.js';
import { countsSpent, requestCounts, type RequestCounts } from './rgw-counters.js';

/** A row of the results: a tool or a bound. */
export type RowName = ToolName | 'tar (read bound)' | 'curl (ingest bound)';

/** One timed run. */
export interface RunRecord {
  readonly set: SetName;
  readonly row: RowName;
  readonly round: number;
  readonly bucket: string | null;
  readonly seconds: number;
  readonly clientCpuSeconds: number;
  readonly peakRssMiB: number;
  /** The server daemons' CPU seconds during the run, by process name. */
  readonly serverCpu: CpuByProcess;
  /** `longshore serve`'s CPU seconds during the run (Longshore rows only). */
  readonly serveCpuSeconds: number | null;
  /**
   * CPU seconds the rest of the machine spent during the run (busy time of all cores minus the
   * client, the server daemons and serve): other work slows the run and, when it uses the same
   * gateway, is counted in serverCpu too.
   */
  readonly otherCpuSeconds: number;
  /** Requests radosgw served during the run (from every client of the gateway). */
  readonly gatewayRequests: RequestCounts;
  readonly bytes: number;
  readonly files: number;
}

/** What a series needs. */
export interface SeriesContext {
  readonly gateway: Gateway;
  readonly s3: S3Client;
  readonly station: Station;
  readonly configs: { aws: string; s3cmd: string };
  readonly sets: readonly DataSet[];
  readonly tools: readonly ToolName[];
  readonly rounds: number;
  /** Before each run, wait up to this many seconds for the machine to be idle. */
  readonly quietWait: number;
  /** Delete each run's bucket after checking it, and reclaim the space (outside the timing). */
  readonly cleanup: boolean;
  /** A short unique prefix for bucket names. */
  readonly stamp: string;
  readonly log: (line: string) => void;
}

function bucketName(context: SeriesContext, set: SetName, row: string, round: number): string {
  const tool = row.split(' ')[0]!.replace(/[^a-z0-9]/g, '');
  return `lb-${context.stamp}-${set}-${tool}-${round}`.toLowerCase();
}

async function toolCommand(
  context: SeriesContext,
  set: DataSet,
  tool: ToolName,
  bucket: string,
): Promise<ClientCommand> {
  if (tool === 'longshore-dir') return context.station.prepareJob(set, 'dir', bucket);
  if (tool === 'longshore-ext2') return context.station.prepareJob(set, 'ext2', bucket);
  await createBucket(context.s3, bucket);
  if (tool === 'rclone') return rcloneCommand(context.gateway, set.tree, bucket);
  if (tool === 'aws') return awsCommand(context.gateway, context.configs.aws, set.tree, bucket);
  return s3cmdCommand(context.configs.s3cmd, set.tree, bucket);
}

async function timed(
  context: SeriesContext,
  spec: { set: DataSet; row: RowName; round: number; bucket: string | null; command: ClientCommand },
): Promise<RunRecord> {
  const watched: WatchedProcess[] = [
    ...context.gateway.daemons,
    { name: 'longshore-serve', pid: context.station.pid },
  ];
  if (context.quietWait > 0) await waitForQuiet(context.quietWait);
  const before = await sampleCpu(watched);
  const busyBefore = await machineBusySeconds();
  const requestsBefore = await requestCounts(context.gateway.asok);
  const cost = await timeClient(spec.command.command, spec.command.args, spec.command.env);
  const busy = (await machineBusySeconds()) - busyBefore;
  const requests = countsSpent(requestsBefore, await requestCounts(context.gateway.asok));
  const spent = cpuSpent(before, await sampleCpu(watched));
  const serveCpu = spent['longshore-serve'] ?? 0;
  delete spent['longshore-serve'];
  if (spec.row.startsWith('longshore')) checkLoadReport(cost.stdout);
  return {
    set: spec.set.name,
    row: spec.row,
    round: spec.round,
    bucket: spec.bucket,
    seconds: cost.seconds,
    clientCpuSeconds: cost.cpuSeconds,
    peakRssMiB: cost.peakRssMiB,
    serverCpu: spent,
    serveCpuSeconds: spec.row.startsWith('longshore') ? serveCpu : null,
    otherCpuSeconds: Math.max(0, busy - cost.cpuSeconds - totalCpu(spent) - serveCpu),
    gatewayRequests: requests,
    bytes: spec.set.bytes,
    files: spec.set.files,
  };
}

/**
 * Throws when `bucket` does not hold the set's files (Longshore adds its import log); then
 * deletes it when the series cleans up.
 */
async function checkBucket(
  context: SeriesContext,
  set: DataSet,
  row: RowName,
  bucket: string,
): Promise<void> {
  const found = await countObjects(context.s3, bucket);
  const expected = set.files + (row.startsWith('longshore') ? 1 : 0);
  if (found.objects !== expected || found.bytes < set.bytes) {
    throw new Error(
      `${row} on set ${set.name}: bucket ${bucket} holds ${found.objects} objects, ${found.bytes} bytes; expected ${expected} objects, ${set.bytes} bytes`,
    );
  }
  if (context.cleanup) await removeBucket(context.s3, context.gateway, bucket);
}

async function runBounds(context: SeriesContext, set: DataSet, round: number): Promise<RunRecord[]> {
  const records = [
    await timed(context, {
      set,
      row: 'tar (read bound)',
      round,
      bucket: null,
      command: tarCommand(set.tree),
    }),
  ];
  if (set.name !== 'A') return records;
  const bucket = bucketName(context, set.name, 'curl', round);
  await createBucket(context.s3, bucket);
  const paths = Array.from(
    { length: set.files },
    (_, i) => `${set.tree}/large-${String(i).padStart(2, '0')}.bin`,
  );
  const command = curlCommand(context.gateway, bucket, paths);
  records.push(await timed(context, { set, row: 'curl (ingest bound)', round, bucket, command }));
  await checkBucket(context, set, 'curl (ingest bound)', bucket);
  return records;
}

function describe(record: RunRecord): string {
  const mbps = record.bytes / 1e6 / record.seconds;
  const fps = record.files / record.seconds;
  return `${record.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s, ${fps.toFixed(0)} files/s, client CPU ${record.clientCpuSeconds.toFixed(2)} s, server CPU ${totalCpu(record.serverCpu).toFixed(2)} s, other ${record.otherCpuSeconds.toFixed(2)} s, ${record.gatewayRequests.requests} requests`;
}

/**
 * Runs every round of every set and tool; returns every run. Throws on the first run that fails
 * or leaves a wrong bucket (the error names the tool, the set and the bucket).
 */
export async function runSeries(context: SeriesContext): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (let round = 1; round <= context.rounds; round++) {
    for (const set of context.sets) {
      for (const record of await runBounds(context, set, round)) {
        context.log(`round ${round} set ${set.name} ${record.row}: ${describe(record)}`);
        records.push(record);
      }
      const shift = (round - 1) % context.tools.length;
      const order = [...context.tools.slice(shift), ...context.tools.slice(0, shift)];
      for (const tool of order) {
        const bucket = bucketName(context, set.name, tool, round);
        const command = await toolCommand(context, set, tool, bucket);
        const record = await timed(context, { set, row: tool, round, bucket, command });
        await checkBucket(context, set, tool, bucket);
        context.log(`round ${round} set ${set.name} ${tool}: ${describe(record)}`);
        records.push(record);
      }
    }
  }
  return records;
}
