/** Command-line options of the loader throughput bench (`bench/load/run.ts`, `npm run bench`). */
import { isDeepStrictEqual } from 'node:util';

/** The data sets of issue 7: A large files, B small files, C a mixed tree, D a million tiny files. */
export type SetName = 'A' | 'B' | 'C' | 'D';
const SET_NAMES: readonly SetName[] = ['A', 'B', 'C', 'D'];

/** The tools that take turns loading each set into the gateway. */
export const TOOL_NAMES = ['longshore-dir', 'longshore-ext2', 'rclone', 'aws', 's3cmd'] as const;
/** One of TOOL_NAMES. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** The copies of a set that Longshore reads: the tree (directory device) or its ext2 image. */
export type DeviceName = 'dir' | 'ext2';
const DEVICE_NAMES: readonly DeviceName[] = ['ext2', 'dir'];

/** Where a run writes: the Ceph gateway, the station's embedded store, or the null S3 sink (set D). */
export type TargetName = 'rgw' | 'embedded' | 'sink';
const TARGET_NAMES: readonly TargetName[] = ['rgw', 'embedded', 'sink'];

/** Sizes of the sets: full mode (issue 7) or quick mode (under 3 minutes). */
export interface SetSizes {
  readonly largeFiles: number;
  readonly largeFileMiB: number;
  readonly smallFiles: number;
  /** Files of set C (mixed tree); 0 leaves C out. */
  readonly mixedFiles: number;
  /** Files of set D (0-256 bytes each, memory only). */
  readonly tinyFiles: number;
}

/** Everything the bench run needs to know. */
export interface LoadBenchOptions {
  readonly quick: boolean;
  /**
   * Full mode with the sizes, sets A-C, every tool and the gateway: the run whose chart
   * is copied to docs/performance-chart.svg.
   */
  readonly standard: boolean;
  readonly rounds: number;
  readonly sizes: SetSizes;
  readonly sets: readonly SetName[];
  readonly tools: readonly ToolName[];
  /** Which targets run: the gateway (A-C), the embedded store (A-C), the sink (B and D, memory). */
  readonly targets: readonly TargetName[];
  /**
   * The devices Longshore reads in the embedded-store and null-sink runs, with the `longshore-*`
   * of `tools` (both by default; quick mode's tools leave the directory out).
   */
  readonly storeDevices: readonly DeviceName[];
  /** Tune mode: each peer with candidate settings, once, on the gateway; prints the fastest. */
  readonly tune: boolean;
  /** Where the trees and images are kept (reused while the same); a temporary one otherwise. */
  readonly work: string | undefined;
  readonly results: string;
  readonly rgwScript: string;
  readonly rgwDir: string;
  readonly label: string;
  readonly seed: number;
  /** `station load --concurrency`; undefined keeps Longshore's default. */
  readonly longshoreConcurrency: number | undefined;
  /** Before each run, wait up to this many seconds for the machine to be idle. */
  readonly quietWait: number;
  /** Delete every run's bucket once checked (`--keep-buckets`: false). */
  readonly cleanup: boolean;
  /** Run Longshore's load under `node --cpu-prof`, profiles into this directory. */
  readonly cpuProf: string | undefined;
}

const FULL: SetSizes = {
  largeFiles: 8,
  largeFileMiB: 256,
  smallFiles: 20_000,
  mixedFiles: 5_000,
  tinyFiles: 1_000_000,
};
const QUICK: SetSizes = {
  largeFiles: 4,
  largeFileMiB: 32,
  smallFiles: 800,
  mixedFiles: 0,
  tinyFiles: 20_000,
};
const FLAGS = new Set(['--quick', '--keep-buckets', '--tune']);

/** What `npm run bench -- --help` prints (bench/README.md says more). */
export const LOAD_USAGE = `npm run bench -- [options]   the loader against rclone, aws and s3cmd (issue 7)

  --quick                 small sets, under 3 minutes
  --sets A,B,C,D          data sets (default: A,B,C,D; quick: A,B,D)
  --tools LIST            ${TOOL_NAMES.join(',')}
  --targets LIST          ${TARGET_NAMES.join(',')}
  --store-devices LIST    Longshore's devices for the embedded store and the sink: ${DEVICE_NAMES.join(',')}
  --rounds N              rounds, tools taking turns (default 3)
  --work DIR              where the sets are built and kept between runs
  --results DIR           where the results go (default bench/results)
  --rgw-dir DIR           the Ceph gateway's folder (default /var/tmp/longshore-rgw)
  --label TEXT            a label for the results
  --seed N                the data sets' seed (default 7)
  --longshore-concurrency N  station load --concurrency
  --cpu-prof DIR          Longshore's loads under node --cpu-prof
  --quiet-wait S          wait up to S seconds for an idle machine before each run (default 20)
  --keep-buckets          keep every run's bucket
  --tune                  try peer tunings instead of the bench
  --help                  this text
`;

function valueAfter(argv: readonly string[], index: number, flag: string): string {
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value;
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag}: not a whole number: ${text}`);
  return value;
}

function listOf<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text.split(',').filter((item) => item !== '');
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`${flag}: unknown ${item} (${allowed.join(', ')})`);
  }
  return items as T[];
}

function defaultSets(sizes: SetSizes, tune: boolean): SetName[] {
  const sets: SetName[] = sizes.mixedFiles > 0 ? ['A', 'B', 'C'] : ['A', 'B'];
  return tune ? sets : [...sets, 'D'];
}

/**
 * Parses the bench's arguments (after `--`). Throws an Error naming the flag on an unknown flag,
 * a missing value or a value out of range.
 */
export function parseLoadOptions(argv: readonly string[], root: string): LoadBenchOptions {
  const quick = argv.includes('--quick');
  const tune = argv.includes('--tune');
  const base = quick ? QUICK : FULL;
  const sizes = { ...base };
  const parsed = {
    rounds: 3,
    sets: undefined as SetName[] | undefined,
    // Quick mode leaves the directory device out (its Longshore runs would take it past 3 minutes).
    tools: TOOL_NAMES.filter((tool) => !quick || tool !== 'longshore-dir') as ToolName[],
    targets: [...TARGET_NAMES] as TargetName[],
    storeDevices: [...DEVICE_NAMES] as DeviceName[],
    work: undefined as string | undefined,
    results: `${root}/bench/results`,
    rgwDir: '/var/tmp/longshore-rgw',
    label: '',
    seed: 7,
    longshoreConcurrency: undefined as number | undefined,
    cpuProf: undefined as string | undefined,
    quietWait: quick ? 0 : 20,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (FLAGS.has(flag)) continue;
    const value = valueAfter(argv, i, flag);
    i++;
    if (flag === '--rounds') parsed.rounds = Math.max(1, positiveInt(value, flag));
    else if (flag === '--sets') parsed.sets = listOf(value, SET_NAMES, flag);
    else if (flag === '--tools') parsed.tools = listOf(value, TOOL_NAMES, flag);
    else if (flag === '--targets') parsed.targets = listOf(value, TARGET_NAMES, flag);
    else if (flag === '--store-devices') parsed.storeDevices = listOf(value, DEVICE_NAMES, flag);
    else if (flag === '--work') parsed.work = value;
    else if (flag === '--results') parsed.results = value;
    else if (flag === '--rgw-dir') parsed.rgwDir = value;
    else if (flag === '--label') parsed.label = value;
    else if (flag === '--seed') parsed.seed = positiveInt(value, flag);
    else if (flag === '--longshore-concurrency') parsed.longshoreConcurrency = positiveInt(value, flag);
    else if (flag === '--cpu-prof') parsed.cpuProf = value;
    else if (flag === '--quiet-wait') parsed.quietWait = positiveInt(value, flag);
    else if (flag === '--large-files') sizes.largeFiles = positiveInt(value, flag);
    else if (flag === '--large-file-mib') sizes.largeFileMiB = positiveInt(value, flag);
    else if (flag === '--small-files') sizes.smallFiles = positiveInt(value, flag);
    else if (flag === '--mixed-files') sizes.mixedFiles = positiveInt(value, flag);
    else if (flag === '--tiny-files') sizes.tinyFiles = positiveInt(value, flag);
    else throw new Error(`unknown option ${flag}`);
  }
  const sets = parsed.sets ?? defaultSets(sizes, tune);
  if (sets.includes('C') && sizes.mixedFiles === 0) sizes.mixedFiles = 1_000;
  const standard =
    !quick &&
    !tune &&
    isDeepStrictEqual(sizes, FULL) &&
    ['A', 'B', 'C'].every((set) => sets.includes(set as SetName)) &&
    parsed.tools.length === TOOL_NAMES.length &&
    parsed.targets.includes('rgw');
  return {
    quick,
    standard,
    tune,
    cleanup: !argv.includes('--keep-buckets'),
    sizes,
    ...parsed,
    sets,
    rgwScript: `${root}/scripts/ensure-radosgw`,
  };
}
