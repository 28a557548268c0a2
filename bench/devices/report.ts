/**
 * The bench's figures: rates and ratios to the tar bound, the verdict against the targets of the
 * issue (userspace readers: 70% of tar on large files, 50% on small files), and the markdown table.
 */
import type { ChildResult } from './reader-child.js';

/** The targets, as fractions of the tar bound. */
export const TARGETS = { large: 0.7, small: 0.5 } as const;

/** How an adapter reaches the bytes: judged against the targets, or shown for reference. */
export type AdapterRole = 'userspace' | 'fuse' | 'reference';

/** The best of the repeated reads of one tree by one adapter (null: not measured). */
export interface TreeFigures {
  readonly read: ChildResult | null;
  readonly md5: ChildResult | null;
}

/** Everything measured for one adapter. */
export interface AdapterFigures {
  readonly name: string;
  readonly role: AdapterRole;
  /** How it reads, in a few words (for the table's notes). */
  readonly how: string;
  readonly large: TreeFigures;
  readonly small: TreeFigures;
  /** Set when a run failed or was skipped: the row says so and the others go on. */
  readonly error: string | null;
  readonly skipped: string | null;
}

/** The tar bound: best seconds per tree. */
export interface TarFigures {
  readonly large: { readonly seconds: number; readonly bytes: number };
  readonly small: { readonly seconds: number; readonly files: number };
}

/** MB/s (10^6 bytes per second) of a result. */
export const megabytesPerSecond = (bytes: number, seconds: number): number => bytes / 1e6 / seconds;
/** Files per second of a result. */
export const filesPerSecond = (files: number, seconds: number): number => files / seconds;

/** The adapter's rates and ratios to tar (null where not measured). */
export function ratios(adapter: AdapterFigures, tar: TarFigures) {
  const largeRead = adapter.large.read;
  const smallRead = adapter.small.read;
  const large = largeRead ? megabytesPerSecond(largeRead.bytes, largeRead.seconds) : null;
  const small = smallRead ? filesPerSecond(smallRead.files, smallRead.seconds) : null;
  const tarLarge = megabytesPerSecond(tar.large.bytes, tar.large.seconds);
  const tarSmall = filesPerSecond(tar.small.files, tar.small.seconds);
  return {
    largeMBps: large,
    largeRatio: large === null ? null : large / tarLarge,
    smallFilesPerSecond: small,
    smallRatio: small === null ? null : small / tarSmall,
  };
}

/** PASS / FAIL against the targets, with the misses named; `-` for reference rows. */
export function verdict(adapter: AdapterFigures, tar: TarFigures): string {
  if (adapter.skipped) return `skipped: ${adapter.skipped}`;
  if (adapter.error) return 'ERROR';
  if (adapter.role === 'reference') return '- (reference)';
  const { largeRatio, smallRatio } = ratios(adapter, tar);
  const misses: string[] = [];
  if (largeRatio !== null && largeRatio < TARGETS.large) misses.push(`large < ${TARGETS.large * 100}%`);
  if (smallRatio !== null && smallRatio < TARGETS.small) misses.push(`small < ${TARGETS.small * 100}%`);
  const text = misses.length === 0 ? 'PASS' : `FAIL (${misses.join(', ')})`;
  return adapter.role === 'fuse' ? `${text}, FUSE path` : text;
}

const number = (value: number | null, digits = 0): string =>
  value === null
    ? '-'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percent = (value: number | null): string => (value === null ? '-' : `${Math.round(value * 100)}%`);

function peakRssMiB(adapter: AdapterFigures): number | null {
  const runs = [adapter.large.read, adapter.large.md5, adapter.small.read, adapter.small.md5];
  const peaks = runs.filter((run) => run !== null).map((run) => run.maxRssKiB / 1024);
  return peaks.length === 0 ? null : Math.max(...peaks);
}

function rowCells(adapter: AdapterFigures, tar: TarFigures): string[] {
  const r = ratios(adapter, tar);
  const { large, small } = adapter;
  return [
    adapter.name,
    number(r.largeMBps),
    percent(r.largeRatio),
    number(r.smallFilesPerSecond),
    percent(r.smallRatio),
    number(large.md5 && megabytesPerSecond(large.md5.bytes, large.md5.seconds)),
    number(small.md5 && filesPerSecond(small.md5.files, small.md5.seconds)),
    number(peakRssMiB(adapter)),
    verdict(adapter, tar),
  ];
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The markdown table: the tar bound first, then one row per adapter. */
export function resultsTable(adapters: readonly AdapterFigures[], tar: TarFigures): string {
  const header = [
    'adapter',
    'large MB/s',
    'vs tar',
    'small files/s',
    'vs tar',
    'large MB/s +MD5',
    'small files/s +MD5',
    'peak RSS MiB',
    'target (70% / 50%)',
  ];
  const tarRow = [
    'tar (bound)',
    number(megabytesPerSecond(tar.large.bytes, tar.large.seconds)),
    '100%',
    number(filesPerSecond(tar.small.files, tar.small.seconds)),
    '100%',
    '-',
    '-',
    '-',
    '-',
  ];
  return markdownTable(header, [tarRow, ...adapters.map((adapter) => rowCells(adapter, tar))]);
}
