/** The command line of `npm run bench:devices` (see bench/README.md). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The adapters the bench can run, as named on the command line. */
export const ADAPTER_NAMES = ['fat32', 'ext2', 'ext3', 'ntfs', 'directory'] as const;
export type AdapterName = (typeof ADAPTER_NAMES)[number];

/** What to measure and where. */
export interface BenchOptions {
  /** The built checkout's dist/ (its devices/index.js is what is measured). */
  readonly dist: string;
  /** Work directory for trees and images: kept and reused when given, else a temporary one. */
  readonly workDir: string | null;
  readonly resultsDir: string;
  readonly reps: number;
  readonly md5: boolean;
  readonly seed: number;
  readonly largeFiles: number;
  readonly largeFileMiB: number;
  readonly smallFiles: number;
  readonly smallMaxKiB: number;
  readonly only: readonly AdapterName[];
  readonly label: string;
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

function adapterList(text: string | undefined): AdapterName[] {
  if (text === undefined) return [...ADAPTER_NAMES];
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(ADAPTER_NAMES as readonly string[]).includes(name)) {
      throw new Error(`--only takes ${ADAPTER_NAMES.join(', ')}; not ${name}`);
    }
  }
  return names as AdapterName[];
}

/**
 * Parses the command line (`argv` without node and the script). Throws an Error naming the
 * option for an unknown option or a value that is not a positive integer / adapter name.
 */
export function parseOptions(argv: readonly string[], cwd: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dist: { type: 'string', default: resolve(cwd, 'dist') },
      work: { type: 'string' },
      results: { type: 'string', default: resolve(cwd, 'bench', 'results') },
      reps: { type: 'string', default: '3' },
      'no-md5': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      'large-files': { type: 'string', default: '4' },
      'large-file-mib': { type: 'string', default: '256' },
      'small-files': { type: 'string', default: '10000' },
      'small-max-kib': { type: 'string', default: '16' },
      only: { type: 'string' },
      label: { type: 'string', default: '' },
    },
  });
  return {
    dist: resolve(cwd, values.dist),
    workDir: values.work === undefined ? null : resolve(cwd, values.work),
    resultsDir: resolve(cwd, values.results),
    reps: positive('reps', values.reps),
    md5: !values['no-md5'],
    seed: positive('seed', values.seed),
    largeFiles: positive('large-files', values['large-files']),
    largeFileMiB: positive('large-file-mib', values['large-file-mib']),
    smallFiles: positive('small-files', values['small-files']),
    smallMaxKiB: positive('small-max-kib', values['small-max-kib']),
    only: adapterList(values.only),
    label: values.label,
  };
}
