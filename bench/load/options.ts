/** Command-line options of the loader throughput bench (`bench/load/run.ts`). */

/** The data sets of issue 7 that this bench builds (D, a million tiny files, is not built yet). */
export type SetName = 'A' | 'B' | 'C';

/** The tools that take turns loading each set. */
export const TOOL_NAMES = ['longshore-dir', 'longshore-ext2', 'rclone', 'aws', 's3cmd'] as const;
/** One of TOOL_NAMES. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** Sizes of the sets: full mode (issue 7) or quick mode (under 3 minutes). */
export interface SetSizes {
  readonly largeFiles: number;
  readonly largeFileMiB: number;
  readonly smallFiles: number;
  /** Files of set C (mixed tree); 0 leaves C out. */
  readonly mixedFiles: number;
}

/** Everything the bench run needs to know. */
export interface LoadBenchOptions {
  readonly quick: boolean;
  readonly rounds: number;
  readonly sizes: SetSizes;
  readonly sets: readonly SetName[];
  readonly tools: readonly ToolName[];
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

const FULL: SetSizes = { largeFiles: 8, largeFileMiB: 256, smallFiles: 20_000, mixedFiles: 5_000 };
const QUICK: SetSizes = { largeFiles: 4, largeFileMiB: 32, smallFiles: 800, mixedFiles: 0 };

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

/**
 * Parses the bench's arguments (after `--`). Throws an Error naming the flag on an unknown flag,
 * a missing value or a value out of range.
 */
export function parseLoadOptions(argv: readonly string[], root: string): LoadBenchOptions {
  const quick = argv.includes('--quick');
  const cleanup = !argv.includes('--keep-buckets');
  const base = quick ? QUICK : FULL;
  const sizes = { ...base };
  const parsed = {
    rounds: 3,
    sets: (base.mixedFiles > 0 ? ['A', 'B', 'C'] : ['A', 'B']) as SetName[],
    tools: [...TOOL_NAMES] as ToolName[],
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
    if (flag === '--quick' || flag === '--keep-buckets') continue;
    const value = valueAfter(argv, i, flag);
    i++;
    if (flag === '--rounds') parsed.rounds = Math.max(1, positiveInt(value, flag));
    else if (flag === '--sets') parsed.sets = listOf(value, ['A', 'B', 'C'] as const, flag);
    else if (flag === '--tools') parsed.tools = listOf(value, TOOL_NAMES, flag);
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
    else throw new Error(`unknown option ${flag}`);
  }
  if (parsed.sets.includes('C') && sizes.mixedFiles === 0) sizes.mixedFiles = 1_000;
  return { quick, cleanup, sizes, ...parsed, rgwScript: `${root}/scripts/ensure-radosgw` };
}
