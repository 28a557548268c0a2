/**
 * Medians per set and row, the ratios of Longshore to the best peer, the table printed at the
 * end and the one-line summary `ratios: A=… B=… cpu=… rss=…`.
 */
import { totalCpu } from './measure.js';
import type { SetName, TargetName } from './options.js';
import type { RowName, RunRecord } from './rows.js';

/** The medians of one row on one set. */
export interface RowSummary {
  readonly set: SetName;
  readonly row: RowName;
  /** Where the row wrote: the gateway, the embedded store or the null sink. */
  readonly target: TargetName;
  readonly runs: number;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
  readonly filesPerSecond: number;
  readonly clientCpuSeconds: number;
  /** Client CPU (Longshore: the load process plus `serve`) per GB loaded. */
  readonly clientCpuPerGB: number;
  readonly serverCpuSeconds: number;
  readonly serverCpuPerGB: number;
  readonly serveCpuSeconds: number | null;
  /** The largest peak RSS of the runs. */
  readonly peakRssMiB: number;
  /** Median of the server's requests per file of the set (the gateway: every client's count). */
  readonly requestsPerFile: number;
  /** Median of the other processes' CPU per second of the run (cores busy with other work). */
  readonly otherCores: number;
}

/** The headline ratios (null when a row they need is missing). */
export interface Ratios {
  readonly A: number | null;
  readonly B: number | null;
  readonly cpu: number | null;
  readonly rssMiB: number | null;
  /** The Longshore row the ratios are taken from. */
  readonly longshoreRow: RowName;
}

/** The peers, best of which Longshore is compared with. */
export const PEERS: readonly RowName[] = ['rclone', 'aws', 's3cmd'];
/** The Longshore row of the ratios: the ext2 image, the path of a real customer disk. */
export const LONGSHORE_ROW: RowName = 'longshore-ext2';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarise(runs: readonly RunRecord[]): RowSummary {
  const first = runs[0]!;
  const seconds = median(runs.map((run) => run.seconds));
  const gb = first.bytes / 1e9;
  const clientCpu = median(runs.map((run) => run.clientCpuSeconds + (run.serveCpuSeconds ?? 0)));
  const serverCpu = median(runs.map((run) => totalCpu(run.serverCpu)));
  const serve = runs.map((run) => run.serveCpuSeconds).filter((value): value is number => value !== null);
  return {
    set: first.set,
    row: first.row,
    target: first.target,
    runs: runs.length,
    files: first.files,
    bytes: first.bytes,
    seconds,
    mbPerSecond: first.bytes / 1e6 / seconds,
    filesPerSecond: first.files / seconds,
    clientCpuSeconds: clientCpu,
    clientCpuPerGB: clientCpu / gb,
    serverCpuSeconds: serverCpu,
    serverCpuPerGB: serverCpu / gb,
    serveCpuSeconds: serve.length > 0 ? median(serve) : null,
    peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
    requestsPerFile: median(runs.map((run) => run.requests / first.files)),
    otherCores: median(runs.map((run) => run.otherCpuSeconds / Math.max(run.seconds, 0.01))),
  };
}

/** One summary per (set, row), in the order the rows first ran. */
export function summariseRuns(records: readonly RunRecord[]): RowSummary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    const key = `${record.set}\0${record.row}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups.values()].map(summarise);
}

function ratioOf(
  rows: readonly RowSummary[],
  set: SetName,
  measure: (row: RowSummary) => number,
  best: 'max' | 'min',
): number | null {
  const ours = rows.find((row) => row.set === set && row.row === LONGSHORE_ROW);
  const peers = rows.filter((row) => row.set === set && PEERS.includes(row.row)).map(measure);
  if (ours === undefined || peers.length === 0) return null;
  return measure(ours) / (best === 'max' ? Math.max(...peers) : Math.min(...peers));
}

/**
 * The peak RSS of the memory runs on `set` (the ext2 image's, else the directory's, into the null
 * sink), or null when none ran.
 */
export function memoryPeak(rows: readonly RowSummary[], set: SetName): RowSummary | null {
  const sink = ['longshore-ext2 (null sink)', 'longshore-dir (null sink)'];
  for (const name of sink) {
    const row = rows.find((candidate) => candidate.set === set && candidate.row === name);
    if (row !== undefined) return row;
  }
  return null;
}

/**
 * Longshore (ext2 image) against the best peer: MB/s on A, files/s on B, CPU per GB on A, and the
 * peak RSS on the largest set: D when it ran (into the null sink), else `largestSet`.
 */
export function computeRatios(rows: readonly RowSummary[], largestSet: SetName): Ratios {
  const onD = memoryPeak(rows, 'D')?.peakRssMiB;
  const rss =
    onD ?? rows.find((row) => row.set === largestSet && row.row === LONGSHORE_ROW)?.peakRssMiB ?? null;
  return {
    A: ratioOf(rows, 'A', (row) => row.mbPerSecond, 'max'),
    B: ratioOf(rows, 'B', (row) => row.filesPerSecond, 'max'),
    cpu: ratioOf(rows, 'A', (row) => row.clientCpuPerGB, 'min'),
    rssMiB: rss,
    longshoreRow: LONGSHORE_ROW,
  };
}

/** The closing line of every run of the bench. */
export function ratiosLine(ratios: Ratios): string {
  const show = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));
  const rss = ratios.rssMiB === null ? 'n/a' : ratios.rssMiB.toFixed(0);
  return `ratios: A=${show(ratios.A)} B=${show(ratios.B)} cpu=${show(ratios.cpu)} rss=${rss}`;
}

const HEADER = [
  'set',
  'row',
  'runs',
  'median s',
  'MB/s',
  'files/s',
  'client CPU s',
  'of it serve',
  'client CPU s/GB',
  'server CPU s',
  'server CPU s/GB',
  'server req/file',
  'peak RSS MiB',
  'other cores',
];

function cells(row: RowSummary): string[] {
  const fixed = (value: number, digits: number) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return [
    row.set,
    row.row,
    String(row.runs),
    fixed(row.seconds, 2),
    fixed(row.mbPerSecond, 1),
    fixed(row.filesPerSecond, 0),
    fixed(row.clientCpuSeconds, 2),
    row.serveCpuSeconds === null ? '-' : fixed(row.serveCpuSeconds, 2),
    fixed(row.clientCpuPerGB, 1),
    fixed(row.serverCpuSeconds, 2),
    fixed(row.serverCpuPerGB, 1),
    fixed(row.requestsPerFile, 2),
    fixed(row.peakRssMiB, 0),
    fixed(row.otherCores, 2),
  ];
}

/** The summaries as a Markdown table (one line per set and row). */
export function formatTable(rows: readonly RowSummary[]): string {
  const lines = [HEADER, HEADER.map(() => '---'), ...rows.map(cells)];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}
