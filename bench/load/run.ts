/**
 * `npm run bench` (alias `bench:load`): Longshore's loader against rclone, aws and s3cmd, loading
 * the same data sets into the same Ceph RADOS Gateway, tools taking turns, with the read and
 * ingest bounds; the same sets into the embedded store against cp -r and tar; set D (a million tiny
 * files) into a null S3 sink for memory. Prints the tables and the `ratios:` line, writes
 * bench/results/<time>.json and .md (and .svg). `--tune` tries the peers' settings instead. See
 * bench/README.md for what is measured and how to read it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath, runCommand } from '../devices/shell.js';
import { buildDataSet, type DataSet } from './datasets.js';
import { LOAD_USAGE, parseLoadOptions, type LoadBenchOptions } from './options.js';
import { describeTuning, PEER_TUNING, writePeerConfigs } from './peers.js';
import { computeRatios, ratiosLine, summariseRuns } from './report.js';
import { fileStamp, formatReport, writeResults } from './results.js';
import { ensureGateway, gatewayClient, type Gateway } from './rgw.js';
import type { SeriesContext } from './run-context.js';
import { runSeries } from './series.js';
import { startTargets } from './stations.js';
import { evaluateTargets } from './targets.js';
import { formatTune, runTune } from './tune.js';

/** The checkout: two levels above the compiled bench (node_modules/.cache/longshore-bench/load). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const STARTED = performance.now();

/** A progress line on stderr, with the seconds since the bench started. */
function log(line: string): void {
  const seconds = ((performance.now() - STARTED) / 1000).toFixed(1);
  process.stderr.write(`bench: [${seconds} s] ${line}\n`);
}

/** Installs Debian's rclone, s3cmd and awscli when one of them is missing. */
async function ensurePeers(): Promise<void> {
  const missing = [];
  if (!(await onPath('rclone'))) missing.push('rclone');
  if (!(await onPath('s3cmd'))) missing.push('s3cmd');
  if (!(await onPath('/usr/bin/aws'))) missing.push('awscli');
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')}`);
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    DEBIAN_FRONTEND: 'noninteractive',
  });
}

async function buildSets(options: LoadBenchOptions, work: string): Promise<DataSet[]> {
  const sets: DataSet[] = [];
  for (const name of options.sets) {
    const started = performance.now();
    const set = await buildDataSet(work, name, options.sizes, options.seed);
    const seconds = (performance.now() - started) / 1000;
    log(
      `set ${name}: ${set.files} files, ${(set.bytes / 1e6).toFixed(0)} MB (ready in ${seconds.toFixed(1)} s)`,
    );
    sets.push(set);
  }
  return sets;
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
  };
}

function tuningBySet(options: LoadBenchOptions) {
  const bySet = Object.entries(PEER_TUNING).map(([set, tuning]) => [set, describeTuning(tuning)]);
  const longshore = `--concurrency ${options.longshoreConcurrency ?? 'default (8)'}`;
  return { ...Object.fromEntries(bySet), longshore };
}

function about(
  options: LoadBenchOptions,
  sets: readonly DataSet[],
  startedAt: Date,
  loadBefore: number,
): string[] {
  const sizes = sets.map(
    (set) => `${set.name}: ${set.files.toLocaleString('en-US')} files, ${(set.bytes / 1e6).toFixed(0)} MB`,
  );
  const m = machine();
  return [
    `${startedAt.toISOString()}, ${options.quick ? 'quick mode' : 'full mode'}, ${options.rounds} round(s)${options.label ? `, ${options.label}` : ''}`,
    `sets: ${sizes.join('; ')}`,
    `machine: ${m.cpus} CPUs (${m.cpuModel ?? '?'}), ${m.memoryGiB.toFixed(0)} GiB, Node ${m.node}; load average at the start ${loadBefore.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}`,
  ];
}

async function benchmark(options: LoadBenchOptions, context: SeriesContext, startedAt: Date): Promise<void> {
  const loadBefore = loadavg();
  const records = await runSeries(context);
  const rows = summariseRuns(records);
  const largest = [...context.sets].sort((a, b) => b.bytes - a.bytes)[0]!.name;
  const ratios = computeRatios(rows, largest);
  const targets = evaluateTargets(rows);
  const stamp = fileStamp(startedAt);
  const markdown = formatReport({
    title: `npm run bench, ${stamp}`,
    about: about(options, context.sets, startedAt, loadBefore[0]!),
    rows,
    targets,
    records,
    ratios,
  });
  const sizes = context.sets.map(({ name, files, bytes, largestFile }) => ({
    name,
    files,
    bytes,
    largestFile,
  }));
  const json = {
    startedAt,
    label: options.label,
    quick: options.quick,
    rounds: options.rounds,
    sizes,
    tuning: tuningBySet(options),
    machine: machine(),
    loadBefore,
    loadAfter: loadavg(),
    rows,
    targets,
    ratios,
    records,
  };
  const chartCopy = options.standard ? join(ROOT, 'docs', 'performance-chart.svg') : null;
  const files = await writeResults(options.results, stamp, { json, markdown, rows, chartCopy });
  process.stdout.write(`\n${markdown}\nresults: ${files.join(', ')}\n${ratiosLine(ratios)}\n`);
}

async function tune(options: LoadBenchOptions, context: SeriesContext, startedAt: Date): Promise<void> {
  const runs = await runTune(context);
  const table = formatTune(runs);
  const stamp = `tune-${fileStamp(startedAt)}`;
  const json = { startedAt, quick: options.quick, sizes: options.sizes, machine: machine(), runs };
  const files = await writeResults(options.results, stamp, {
    json,
    markdown: `${table}\n`,
    rows: [],
    chartCopy: null,
  });
  process.stdout.write(`\n${table}\n\nresults: ${files.join(', ')}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(LOAD_USAGE);
    return;
  }
  const options = parseLoadOptions(process.argv.slice(2), ROOT);
  // Each station gets its storage target from the bench, never from the caller's environment.
  for (const name of Object.keys(process.env)) if (name.startsWith('LONGSHORE_S3_')) delete process.env[name];
  const startedAt = new Date();
  const withGateway = options.tune || options.targets.includes('rgw');
  if (withGateway) await ensurePeers();
  const work = options.work ?? (await mkdtemp(join(tmpdir(), 'longshore-load-')));
  await mkdir(work, { recursive: true });
  const sets = await buildSets(options, work);
  let gateway: Gateway | null = null;
  if (withGateway) {
    log('ensure-radosgw');
    gateway = await ensureGateway(options.rgwScript, options.rgwDir);
  }
  const runOptions = options.tune ? { ...options, targets: ['rgw' as const] } : options;
  const started = await startTargets(ROOT, runOptions, sets, { gateway, work, log });
  const s3 = gateway === null ? null : gatewayClient(gateway);
  try {
    const configs = gateway === null ? null : await writePeerConfigs(work, gateway);
    const context: SeriesContext = {
      rgw: gateway === null ? null : { gateway, s3: s3!, configs: configs! },
      targets: started.targets,
      sink: started.sink,
      sets,
      tools: options.tools,
      storeDevices: options.storeDevices,
      rounds: options.rounds,
      embeddedDir: started.embeddedDir,
      quietWait: options.quietWait,
      cleanup: options.cleanup,
      stamp: Date.now().toString(36),
      log,
    };
    await (options.tune ? tune(options, context, startedAt) : benchmark(options, context, startedAt));
  } finally {
    s3?.destroy();
    await started.stop();
    if (options.work === undefined) await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
