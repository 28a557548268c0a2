/**
 * `npm run bench:devices`: how fast each device reader (src/devices) reads a 1 GiB tree of large
 * files (MB/s) and 10,000 small files (files/s) from FAT32, ext2, ext3 and NTFS images, against
 * GNU tar reading the same trees from this machine's own disk in the same run. Page cache warm,
 * best of --reps runs, every reader in its own process (peak RSS). Prints a markdown table and
 * writes bench/results/devices-<time>.json. Exit code 0 even when a target is missed; 1 on errors
 * (a reader that fails or returns wrong bytes, a tool that cannot build an image).
 * Options: see options.ts and bench/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ADAPTERS, AdapterRuns } from './adapters.js';
import { loadDevicesApi } from './devices-api.js';
import { buildImage, imageMiB, type BuiltImage, type ImageKind } from './images.js';
import { readInChild, tarSeconds, warmFile } from './measure.js';
import { parseOptions, type BenchOptions } from './options.js';
import { ratios, resultsTable, TARGETS, verdict, type TarFigures } from './report.js';
import { buildTree, type TreeManifest, type TreeName } from './trees.js';

const TREES: readonly TreeName[] = ['large', 'small'];
const TAR_COMMAND = 'tar cf - -C TREE . | cat > /dev/null';

const log = (message: string) => process.stderr.write(`[bench:devices] ${message}\n`);
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

interface Setup {
  readonly trees: Record<TreeName, TreeManifest>;
  /** images[tree][kind] */
  readonly images: Record<TreeName, Partial<Record<ImageKind, BuiltImage>>>;
  readonly buildSeconds: Record<string, number>;
}

async function setUp(opts: BenchOptions, workDir: string, adapters: readonly AdapterRuns[]): Promise<Setup> {
  const buildSeconds: Record<string, number> = {};
  const params = {
    large: { name: 'large', seed: opts.seed, fileCount: opts.largeFiles, fileBytes: opts.largeFileMiB << 20 },
    small: { name: 'small', seed: opts.seed, fileCount: opts.smallFiles, fileBytes: opts.smallMaxKiB << 10 },
  } as const;
  const trees = {} as Record<TreeName, TreeManifest>;
  const images = { large: {}, small: {} } as Setup['images'];
  for (const name of TREES) {
    const started = performance.now();
    const { manifest, reused } = await buildTree(workDir, params[name]);
    buildSeconds[`tree ${name}`] = (performance.now() - started) / 1000;
    log(
      `tree ${name}: ${manifest.files} files, ${manifest.bytes} bytes (${reused ? 'reused' : elapsed(started)})`,
    );
    trees[name] = manifest;
    for (const adapter of adapters) {
      const kind = adapter.spec.image;
      if (kind === null) continue;
      const begun = performance.now();
      const image = await buildImage(workDir, manifest, kind);
      buildSeconds[`${name} ${kind}`] = (performance.now() - begun) / 1000;
      images[name][kind] = image;
      if ('skipped' in image) adapter.skipped = image.skipped;
      const state =
        'skipped' in image ? `skipped: ${image.skipped}` : image.reused ? 'reused' : elapsed(begun);
      log(`image ${name}-${kind} (${imageMiB(manifest)} MiB): ${state}`);
    }
  }
  return { trees, images, buildSeconds };
}

/** Puts every image and tree in the page cache before anything is timed. */
async function warmUp(setup: Setup): Promise<void> {
  const started = performance.now();
  for (const tree of TREES) {
    for (const image of Object.values(setup.images[tree]))
      if (!('skipped' in image)) await warmFile(image.path);
    await tarSeconds(setup.trees[tree].dir);
  }
  log(`page cache warmed (${elapsed(started)})`);
}

function targetOf(setup: Setup, adapter: AdapterRuns, tree: TreeName): string {
  const kind = adapter.spec.image;
  if (kind === null) return setup.trees[tree].dir;
  const image = setup.images[tree][kind];
  if (!image || 'skipped' in image) throw new Error(`no ${tree}-${kind} image`);
  return image.path;
}

/** One round: tar, then every adapter on every tree (read, then read + MD5). */
async function round(
  opts: BenchOptions,
  setup: Setup,
  adapters: readonly AdapterRuns[],
  readerWork: string,
  tar: Record<TreeName, number[]>,
) {
  for (const tree of TREES) {
    tar[tree].push(await tarSeconds(setup.trees[tree].dir));
    for (const adapter of adapters) {
      for (const md5 of opts.md5 ? [false, true] : [false]) {
        if (!adapter.active) continue;
        try {
          const target = targetOf(setup, adapter, tree);
          const result = await readInChild({ dist: opts.dist, target, workDir: readerWork, md5 });
          adapter.record(setup.trees[tree], md5 ? 'md5' : 'read', result);
        } catch (err) {
          adapter.error = err instanceof Error ? err.message : String(err);
          log(`${adapter.spec.name}: ERROR ${adapter.error}`);
        }
      }
    }
  }
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
  };
}

async function writeResults(opts: BenchOptions, body: object): Promise<string> {
  await mkdir(opts.resultsDir, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const path = join(opts.resultsDir, `devices-${stamp}.json`);
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

async function bench(opts: BenchOptions, workDir: string): Promise<boolean> {
  const started = new Date();
  const load = { before: loadavg() };
  const adapters = ADAPTERS.filter((spec) => opts.only.includes(spec.id)).map(
    (spec) => new AdapterRuns(spec),
  );
  const setup = await setUp(opts, workDir, adapters);
  await warmUp(setup);
  const readerWork = join(workDir, 'station');
  await mkdir(readerWork, { recursive: true });
  const api = await loadDevicesApi(opts.dist);
  await api.cleanupStaleMounts(readerWork);
  const tarRuns: Record<TreeName, number[]> = { large: [], small: [] };
  for (let rep = 1; rep <= opts.reps; rep++) {
    const begun = performance.now();
    await round(opts, setup, adapters, readerWork, tarRuns);
    log(`round ${rep}/${opts.reps} done (${elapsed(begun)})`);
  }
  const leftMounted = await api.cleanupStaleMounts(readerWork);
  if (leftMounted.length > 0)
    log(`readers left ${leftMounted.length} mounts behind: ${leftMounted.join(', ')}`);
  const tar: TarFigures = {
    large: { seconds: Math.min(...tarRuns.large), bytes: setup.trees.large.bytes },
    small: { seconds: Math.min(...tarRuns.small), files: setup.trees.small.files },
  };
  const figures = adapters.map((adapter) => adapter.figures());
  const m = machine();
  const table = resultsTable(figures, tar);
  const notes = [
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryMiB} MiB, Linux ${m.kernel}, Node ${m.node}; load average before ${load.before.map((l) => l.toFixed(2)).join(' ')}.`,
    `Trees: large ${setup.trees.large.files} files, ${setup.trees.large.bytes} bytes; small ${setup.trees.small.files} files, ${setup.trees.small.bytes} bytes. Page cache warm, best of ${opts.reps}; MB = 10^6 bytes.`,
    `Bound: \`${TAR_COMMAND}\` on the tree directory (this machine's disk): large ${tar.large.seconds.toFixed(3)} s, small ${tar.small.seconds.toFixed(3)} s.`,
    `Targets: userspace readers (FAT32, ext2, ext3) at least ${TARGETS.large * 100}% of tar on large files, ${TARGETS.small * 100}% on small files. NTFS goes through ntfs-3g (FUSE, kernel) and is shown against the same bound; its RSS leaves out the ntfs-3g process. The directory row is Node fs on the tree tar reads.`,
    ...figures.filter((f) => f.error).map((f) => `ERROR ${f.name}: ${f.error}`),
  ];
  process.stdout.write(`\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  const adaptersJson = adapters.map((adapter, i) => {
    const f = figures[i]!;
    const runs = (tree: TreeName) => ({ read: adapter.runs(tree, 'read'), md5: adapter.runs(tree, 'md5') });
    return {
      ...f,
      ...ratios(f, tar),
      verdict: verdict(f, tar),
      runs: { large: runs('large'), small: runs('small') },
    };
  });
  const path = await writeResults(opts, {
    bench: 'devices',
    at: started.toISOString(),
    label: opts.label,
    machine: m,
    loadAverage: { ...load, after: loadavg() },
    options: { ...opts, workDir: opts.workDir === null ? '<temporary directory>' : opts.workDir },
    trees: Object.fromEntries(
      TREES.map((t) => [t, { ...setup.trees[t], dir: undefined, imageMiB: imageMiB(setup.trees[t]) }]),
    ),
    buildSeconds: setup.buildSeconds,
    targets: TARGETS,
    tar: { command: TAR_COMMAND, ...tar, runs: tarRuns },
    adapters: adaptersJson,
  });
  log(`results: ${path}`);
  return figures.every((f) => f.error === null);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.cwd());
  if (!existsSync(join(opts.dist, 'devices', 'index.js'))) {
    throw new Error(`${opts.dist}/devices/index.js not found: run \`npm run build\` first (or pass --dist)`);
  }
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'longshore-bench-devices-')));
  await mkdir(workDir, { recursive: true });
  const started = performance.now();
  try {
    if (!(await bench(opts, workDir))) process.exitCode = 1;
  } finally {
    if (opts.workDir === null) await rm(workDir, { recursive: true, force: true });
    log(`total ${elapsed(started)}${opts.workDir === null ? '' : `; trees and images kept in ${workDir}`}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
