/**
 * What every run of the bench shares: the series' context (targets, sets, tools), fresh bucket
 * names, the rotation of the order from round to round, and `timed`, which times one command with
 * the server's CPU around it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { runCommand } from '../devices/shell.js';
import type { DataSet } from './datasets.js';
import { checkLoadReport, type Station } from './longshore.js';
import {
  cpuSpent,
  machineBusySeconds,
  sampleCpu,
  timeClient,
  totalCpu,
  waitForQuiet,
  type WatchedProcess,
} from './measure.js';
import type { DeviceName, SetName, TargetName, ToolName } from './options.js';
import type { ClientCommand, PeerConfigs } from './peers.js';
import type { Gateway } from './rgw.js';
import type { RowName, RunRecord } from './rows.js';
import type { Sink } from './sink-process.js';

/** Where a run writes, with what to watch around it. */
export interface RunTarget {
  readonly name: TargetName;
  /** Longshore's serve for this target (its CPU is the client's), when Longshore loads into it. */
  readonly station: Station | null;
  /** The server's processes, for their CPU. */
  readonly daemons: readonly WatchedProcess[];
  /** The server's request counter (0 for the embedded store, which has no server). */
  requests(): Promise<number>;
}

/** The gateway, the bench's S3 client on it and the peers' config files. */
export interface GatewayAccess {
  readonly gateway: Gateway;
  readonly s3: S3Client;
  readonly configs: PeerConfigs;
}

/** What a series needs. */
export interface SeriesContext {
  /** null when no run goes to the gateway. */
  readonly rgw: GatewayAccess | null;
  /** The targets that run, by name. */
  readonly targets: Readonly<Partial<Record<TargetName, RunTarget>>>;
  readonly sink: Sink | null;
  readonly sets: readonly DataSet[];
  readonly tools: readonly ToolName[];
  /** The devices Longshore reads into the embedded store and the sink (within `tools`). */
  readonly storeDevices: readonly DeviceName[];
  readonly rounds: number;
  /** A folder on the same disk as the embedded store, for the cp and tar bounds. */
  readonly embeddedDir: string;
  /** Before each run, wait up to this many seconds for the machine to be idle. */
  readonly quietWait: number;
  /** Delete each run's bucket after checking it, and reclaim the space (outside the timing). */
  readonly cleanup: boolean;
  /** A short unique prefix for bucket names. */
  readonly stamp: string;
  readonly log: (line: string) => void;
}

/** The gateway of the series. Throws when the series has none (a bench bug). */
export function gatewayOf(context: SeriesContext): GatewayAccess {
  if (context.rgw === null) throw new Error('this run needs the gateway, and the series has none');
  return context.rgw;
}

/** The devices of the embedded and sink runs: `storeDevices` that `tools` has a Longshore row for. */
export function storeDevicesOf(context: SeriesContext): DeviceName[] {
  return context.storeDevices.filter((device) => context.tools.includes(`longshore-${device}`));
}

/** A fresh bucket name per set, row, target and round. */
export function bucketName(context: SeriesContext, set: SetName, row: string, round: number): string {
  const tool = row.split(' ')[0]!.replace(/[^a-z0-9]/g, '');
  const target = row.includes('(embedded') ? '-e' : row.includes('(null sink') ? '-n' : '';
  return `lb-${context.stamp}-${set}-${tool}${target}-${round}`.toLowerCase();
}

/** `items` rotated left by `round - 1`: each round starts with the next one. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = items.length === 0 ? 0 : (round - 1) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * Times one command: `sync` and the quiet wait first (outside the timing), then the client under
 * GNU time (Longshore's with its RSS sampled), the server's and serve's CPU around it.
 * Throws when the command fails or a Longshore load does not finish cleanly.
 */
export async function timed(
  context: SeriesContext,
  target: RunTarget,
  spec: { set: DataSet; row: RowName; round: number; bucket: string | null; command: ClientCommand },
): Promise<RunRecord> {
  const longshore = spec.row.startsWith('longshore');
  const serve =
    longshore && target.station !== null ? [{ name: 'longshore-serve', pid: target.station.pid }] : [];
  const watched: WatchedProcess[] = [...target.daemons, ...serve];
  await runCommand('sync', []);
  if (context.quietWait > 0) await waitForQuiet(context.quietWait);
  const before = await sampleCpu(watched);
  const busyBefore = await machineBusySeconds();
  const requestsBefore = await target.requests();
  const cost = await timeClient(spec.command.command, spec.command.args, spec.command.env, {
    sampleRss: longshore,
  });
  const busy = (await machineBusySeconds()) - busyBefore;
  const requests = (await target.requests()) - requestsBefore;
  const spent = cpuSpent(before, await sampleCpu(watched));
  const serveCpu = spent['longshore-serve'] ?? 0;
  delete spent['longshore-serve'];
  if (longshore) checkLoadReport(cost.stdout);
  return {
    set: spec.set.name,
    row: spec.row,
    target: target.name,
    round: spec.round,
    bucket: spec.bucket,
    seconds: cost.seconds,
    clientCpuSeconds: cost.cpuSeconds,
    peakRssMiB: cost.peakRssMiB,
    rss: cost.rss,
    serverCpu: spent,
    serveCpuSeconds: longshore ? serveCpu : null,
    otherCpuSeconds: Math.max(0, busy - cost.cpuSeconds - totalCpu(spent) - serveCpu),
    requests,
    bytes: spec.set.bytes,
    files: spec.set.files,
  };
}

/** One line per run for the progress log. */
export function describe(record: RunRecord): string {
  const mbps = record.bytes / 1e6 / record.seconds;
  const fps = record.files / record.seconds;
  const rss = record.rss === null ? '' : `, peak RSS ${record.peakRssMiB.toFixed(0)} MiB`;
  return `${record.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s, ${fps.toFixed(0)} files/s, client CPU ${record.clientCpuSeconds.toFixed(2)} s, server CPU ${totalCpu(record.serverCpu).toFixed(2)} s, other ${record.otherCpuSeconds.toFixed(2)} s, ${record.requests} requests${rss}`;
}
