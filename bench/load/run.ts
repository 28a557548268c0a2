/**
 * `npm run bench:load`: Longshore's loader against rclone, aws and s3cmd, loading the same data
 * sets into the same Ceph RADOS Gateway, tools taking turns, with the read and ingest bounds.
 * Prints a table and the `ratios:` line, writes bench/results/load-<time>.json. See
 * bench/README.md for what is measured and how to read it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath, runCommand } from '../devices/shell.js';
import { buildDataSet, type DataSet } from './datasets.js';
import { startStation } from './longshore.js';
import { parseLoadOptions, type LoadBenchOptions } from './options.js';
import { PEER_TUNING, writePeerConfigs } from './peers.js';
import { computeRatios, formatTable, ratiosLine, summariseRuns } from './report.js';
import { ensureGateway, gatewayClient } from './rgw.js';
import { runSeries } from './series.js';

/** The checkout: two levels above the compiled bench (node_modules/.cache/longshore-bench/load). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

function log(line: string): void {
  process.stderr.write(`bench:load: ${line}\n`);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
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

async function main(): Promise<void> {
  const options = parseLoadOptions(process.argv.slice(2), ROOT);
  const startedAt = new Date();
  await ensurePeers();
  const work = options.work ?? (await mkdtemp(join(tmpdir(), 'longshore-load-')));
  await mkdir(work, { recursive: true });
  const sets = await buildSets(options, work);
  log('ensure-radosgw');
  const gateway = await ensureGateway(options.rgwScript, options.rgwDir);
  const ports = { http: await freePort(), smtp: await freePort() };
  const station = await startStation(ROOT, gateway, ports, {
    concurrency: options.longshoreConcurrency,
    cpuProf: options.cpuProf,
  });
  const s3 = gatewayClient(gateway);
  const loadBefore = loadavg();
  try {
    const configs = await writePeerConfigs(work, gateway);
    const stamp = Date.now().toString(36);
    const records = await runSeries({
      gateway,
      s3,
      station,
      configs,
      sets,
      tools: options.tools,
      rounds: options.rounds,
      quietWait: options.quietWait,
      cleanup: options.cleanup,
      stamp,
      log,
    });
    const rows = summariseRuns(records);
    const largest = [...sets].sort((a, b) => b.bytes - a.bytes)[0]!.name;
    const ratios = computeRatios(rows, largest);
    const file = join(
      options.results,
      `load-${startedAt
        .toISOString()
        .replace(/\.\d+Z$/, 'Z')
        .replace(/:/g, '-')}.json`,
    );
    await mkdir(options.results, { recursive: true });
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: totalmem() / 2 ** 30,
      node: process.version,
    };
    const sizes = sets.map(({ name, files, bytes, largestFile }) => ({ name, files, bytes, largestFile }));
    const tuning = {
      ...PEER_TUNING,
      longshore: `--concurrency ${options.longshoreConcurrency ?? 'default (8)'}`,
    };
    const result = {
      startedAt,
      label: options.label,
      quick: options.quick,
      rounds: options.rounds,
      sizes,
      tuning,
      machine,
      loadBefore,
      loadAfter: loadavg(),
      rows,
      ratios,
      records,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${formatTable(rows)}\n\nresults: ${file}\n${ratiosLine(ratios)}\n`);
  } finally {
    s3.destroy();
    await station.stop();
    if (options.work === undefined) await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
