/**
 * The targets of issue 7, evaluated on the medians of one run of the bench: each with the measured
 * value, the threshold and PASS / FAIL (n/a when a row it needs did not run). Longshore is the
 * ext2 image (the path of a real customer disk), the directory device when the image did not run.
 */
import type { SetName } from './options.js';
import { memoryPeak, PEERS, type RowSummary } from './report.js';
import type { RowName } from './rows.js';

/** One target and how the run did against it. */
export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  /** What was measured, in words and figures. */
  readonly measured: string;
  /** The figure compared with the threshold (a ratio, or MB for RSS). */
  readonly value: number | null;
  readonly threshold: string;
  /** null: not measured (a row is missing), or a row for information only. */
  readonly pass: boolean | null;
  readonly info?: boolean;
}

type Measure = (row: RowSummary) => number;

const MB_PER_MIB = 1.048576;
const fixed = (value: number, digits = 2) => value.toFixed(digits);

function find(rows: readonly RowSummary[], set: SetName, names: readonly RowName[]): RowSummary | null {
  for (const name of names) {
    const row = rows.find((candidate) => candidate.set === set && candidate.row === name);
    if (row !== undefined) return row;
  }
  return null;
}

function ours(rows: readonly RowSummary[], set: SetName): RowSummary | null {
  return find(rows, set, ['longshore-ext2', 'longshore-dir']);
}

function bestPeer(rows: readonly RowSummary[], set: SetName, measure: Measure, best: 'max' | 'min') {
  const peers = rows.filter((row) => row.set === set && PEERS.includes(row.row));
  if (peers.length === 0) return null;
  return peers.reduce((a, b) =>
    (best === 'max' ? measure(b) > measure(a) : measure(b) < measure(a)) ? b : a,
  );
}

function check(
  id: string,
  target: string,
  pair: { ours: RowSummary | null; other: RowSummary | null },
  measure: Measure,
  rule: { atLeast?: number; atMost?: number; unit: string; info?: boolean },
): TargetCheck {
  const threshold = rule.atLeast !== undefined ? `>= ${rule.atLeast}x` : `<= ${rule.atMost}x`;
  const base = { id, target, threshold, ...(rule.info ? { info: true } : {}) };
  if (pair.ours === null || pair.other === null)
    return { ...base, measured: 'not run', value: null, pass: null };
  const value = measure(pair.ours) / measure(pair.other);
  const label = pair.other.set === pair.ours.set ? pair.other.row : `set ${pair.other.set}`;
  const measured = `${fixed(measure(pair.ours))} vs ${fixed(measure(pair.other))} ${rule.unit} (${label}): ${fixed(value)}x`;
  const pass = rule.info ? null : rule.atLeast !== undefined ? value >= rule.atLeast : value <= rule.atMost!;
  return { ...base, measured: `${pair.ours.row}: ${measured}`, value, pass };
}

const mbps: Measure = (row) => row.mbPerSecond;
const fps: Measure = (row) => row.filesPerSecond;
const cpuPerGB: Measure = (row) => row.clientCpuPerGB;
const cpuPerFile: Measure = (row) => (row.clientCpuSeconds / row.files) * 1000;

function peerTargets(rows: readonly RowSummary[]): TargetCheck[] {
  const versus = (set: SetName, measure: Measure, best: 'max' | 'min') => ({
    ours: ours(rows, set),
    other: bestPeer(rows, set, measure, best),
  });
  const curl = { ours: ours(rows, 'A'), other: find(rows, 'A', ['curl (ingest bound)']) };
  return [
    check('A-mbps-peer', 'set A: MB/s >= 1.0 x best peer', versus('A', mbps, 'max'), mbps, {
      atLeast: 1,
      unit: 'MB/s',
    }),
    check('A-mbps-ingest', 'set A: MB/s >= 80% of curl ingest bound', curl, mbps, {
      atLeast: 0.8,
      unit: 'MB/s',
    }),
    check('B-fps-peer', 'set B: files/s >= 1.1 x best peer', versus('B', fps, 'max'), fps, {
      atLeast: 1.1,
      unit: 'files/s',
    }),
    check(
      'B-cpu-per-file',
      'set B: client CPU per file <= 0.7 x best peer',
      versus('B', cpuPerFile, 'min'),
      cpuPerFile,
      {
        atMost: 0.7,
        unit: 'ms/file',
      },
    ),
    ...(['A', 'B', 'C'] as const).map((set) =>
      check(
        `${set}-cpu-per-gb`,
        `set ${set}: client CPU s/GB <= best peer`,
        versus(set, cpuPerGB, 'min'),
        cpuPerGB,
        {
          atMost: 1,
          unit: 'CPU s/GB',
        },
      ),
    ),
  ];
}

function embeddedTargets(rows: readonly RowSummary[]): TargetCheck[] {
  const longshore = (set: SetName) =>
    find(rows, set, ['longshore-ext2 (embedded)', 'longshore-dir (embedded)']);
  const against = (set: SetName, bound: RowName) => ({
    ours: longshore(set),
    other: find(rows, set, [bound]),
  });
  const cp = 'cp -r (embedded bound)';
  const cpSync = 'cp -r + sync (embedded bound)';
  return [
    check('embedded-A-mbps', 'embedded, set A: MB/s >= 70% of cp -r', against('A', cp), mbps, {
      atLeast: 0.7,
      unit: 'MB/s',
    }),
    check('embedded-A-mbps-sync', '(info) embedded, set A: vs cp -r + sync', against('A', cpSync), mbps, {
      atLeast: 0.7,
      unit: 'MB/s',
      info: true,
    }),
    check('embedded-B-fps', 'embedded, set B: files/s >= 50% of cp -r', against('B', cp), fps, {
      atLeast: 0.5,
      unit: 'files/s',
    }),
    check('embedded-B-fps-sync', '(info) embedded, set B: vs cp -r + sync', against('B', cpSync), fps, {
      atLeast: 0.5,
      unit: 'files/s',
      info: true,
    }),
  ];
}

function memoryTargets(rows: readonly RowSummary[]): TargetCheck[] {
  const onD = memoryPeak(rows, 'D');
  const onB = onD === null ? null : find(rows, 'B', [onD.row]);
  const limit = 300;
  const mb = onD === null ? null : onD.peakRssMiB * MB_PER_MIB;
  const rss: TargetCheck = {
    id: 'D-rss',
    target: `set D: peak RSS <= ${limit} MB`,
    measured: onD === null ? 'not run' : `${onD.row}: ${fixed(mb!, 0)} MB on ${fmtFiles(onD)} files`,
    value: mb,
    threshold: `<= ${limit} MB`,
    pass: mb === null ? null : mb <= limit,
  };
  const flat = check(
    'D-flat',
    'set D: peak RSS within 20% of set B',
    { ours: onD, other: onB },
    (row) => row.peakRssMiB,
    {
      atMost: 1.2,
      unit: 'MiB',
    },
  );
  return [rss, flat];
}

function fmtFiles(row: RowSummary): string {
  return row.files.toLocaleString('en-US');
}

/** Every target of issue 7 against the medians `rows`. */
export function evaluateTargets(rows: readonly RowSummary[]): TargetCheck[] {
  return [...peerTargets(rows), ...embeddedTargets(rows), ...memoryTargets(rows)];
}

/** The targets as a Markdown table. */
export function formatTargets(checks: readonly TargetCheck[]): string {
  const result = (c: TargetCheck) => (c.info ? 'info' : c.pass === null ? 'n/a' : c.pass ? 'PASS' : 'FAIL');
  const lines = [
    ['target', 'measured', 'threshold', 'result'],
    ['---', '---', '---', '---'],
    ...checks.map((c) => [c.target, c.measured, c.threshold, result(c)]),
  ];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}
