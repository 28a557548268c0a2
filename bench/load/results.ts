/**
 * What a bench run leaves: `bench/results/<time>.json` (every run, the medians, the targets, the
 * RSS series), `<time>.md` (the readable tables, also printed), and, when bench/load/chart.ts is
 * there, `<time>.svg` (throughput per tool and set), copied to docs/performance-chart.svg in full
 * mode.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTable, ratiosLine, type Ratios, type RowSummary } from './report.js';
import type { RunRecord } from './rows.js';
import { formatTargets, type TargetCheck } from './targets.js';

/** `2026-11-24T05-10-00Z`: an ISO time fit for a file name. */
export function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** The Markdown report's parts. */
export interface Report {
  readonly title: string;
  /** Lines about the run: mode, sizes, machine, load. */
  readonly about: readonly string[];
  readonly rows: readonly RowSummary[];
  readonly targets: readonly TargetCheck[];
  readonly records: readonly RunRecord[];
  readonly ratios: Ratios;
}

/** RSS at a quarter, half, three quarters and the end of each sampled run (shows if it is flat). */
function memoryTable(records: readonly RunRecord[]): string {
  const sampled = records.filter((record) => record.rss !== null && record.target === 'sink');
  if (sampled.length === 0) return '';
  const at = (values: readonly number[], share: number) =>
    values.length === 0
      ? '-'
      : values[Math.min(values.length - 1, Math.floor(share * values.length))]!.toFixed(0);
  const lines = [
    ['set', 'row', 'files', 's', 'RSS MiB at 25%', '50%', '75%', 'end', 'peak (GNU time)'],
    ['---', '---', '---', '---', '---', '---', '---', '---', '---'],
    ...sampled.map((record) => {
      const mib = record.rss!.mib;
      return [
        record.set,
        record.row,
        record.files.toLocaleString('en-US'),
        record.seconds.toFixed(1),
        at(mib, 0.25),
        at(mib, 0.5),
        at(mib, 0.75),
        at(mib, 1),
        record.peakRssMiB.toFixed(0),
      ];
    }),
  ];
  return `\n\n### Memory (null sink, RSS sampled every 250 ms)\n\n${lines.map((line) => `| ${line.join(' | ')} |`).join('\n')}`;
}

/** The readable report: medians, targets, memory, and the `ratios:` line last. */
export function formatReport(report: Report): string {
  return [
    `## ${report.title}`,
    '',
    ...report.about.map((line) => `- ${line}`),
    '',
    '### Medians',
    '',
    formatTable(report.rows),
    '',
    '### Targets (issue 7)',
    '',
    formatTargets(report.targets),
    memoryTable(report.records),
    '',
    `\`${ratiosLine(report.ratios)}\``,
    '',
  ].join('\n');
}

interface Chart {
  renderThroughputChart(rows: readonly RowSummary[]): Promise<string>;
}

/**
 * Writes `<stamp>.svg` with bench/load/chart.ts when it is there (and `copyTo` with the same
 * chart); returns its path, or null without a chart module. Errors: the chart's and the writes'.
 */
async function writeChart(dir: string, stamp: string, rows: readonly RowSummary[], copyTo: string | null) {
  const module = new URL('./chart.js', import.meta.url);
  if (!existsSync(module)) return null;
  const chart = (await import(module.href)) as Chart;
  const file = join(dir, `${stamp}.svg`);
  await writeFile(file, await chart.renderThroughputChart(rows));
  if (copyTo !== null) await copyFile(file, copyTo);
  return file;
}

/**
 * Writes `<dir>/<stamp>.json`, `.md` and (with a chart module and rows) `.svg`, copying the chart
 * to `chartCopy` when given. Returns the paths written. Errors: the writes'.
 */
export async function writeResults(
  dir: string,
  stamp: string,
  content: { json: object; markdown: string; rows: readonly RowSummary[]; chartCopy: string | null },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${stamp}.json`);
  const markdown = join(dir, `${stamp}.md`);
  await writeFile(json, `${JSON.stringify(content.json, null, 2)}\n`);
  await writeFile(markdown, content.markdown);
  // The chart is of the gateway runs (tools and bounds into Ceph RGW).
  const gatewayRows = content.rows.filter((row) => row.target === 'rgw');
  if (gatewayRows.length === 0) return [json, markdown];
  const chart = await writeChart(dir, stamp, gatewayRows, content.chartCopy).catch((error: unknown) => {
    process.stderr.write(`bench: the chart was not written: ${String(error)}\n`);
    return null;
  });
  return chart === null ? [json, markdown] : [json, markdown, chart];
}
