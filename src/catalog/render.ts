import { CATALOG, type CodeName } from './catalog.js';
import type { CatalogEntry, Channel, CodeGroup } from './types.js';

/** One catalog entry flattened for output (`longshore codes`, docs/codes.md). */
export interface CatalogRow {
  readonly code: string;
  readonly group: CodeGroup;
  readonly http: number | null;
  readonly logStatus: number | null;
  readonly retryable: boolean;
  readonly channels: readonly Channel[];
  readonly message: string;
  readonly action: string;
}

/** The groups in documentation order, each with a heading and a one-line description. */
const GROUPS: readonly { group: CodeGroup; title: string; about: string }[] = [
  {
    group: 'email-error',
    title: 'E-mail errors',
    about:
      'The `CODE:` of an `ERROR` reply to an e-mail command. Codes with an HTTP status are also storage errors.',
  },
  {
    group: 'device-status',
    title: 'Device status',
    about: 'Where the device is: GetStatus `LocationCode` and the e-mail `DEVICE CODE:`.',
  },
  {
    group: 'job-status',
    title: 'Job status',
    about: 'How far the job has got: GetStatus `ProgressCode` and the e-mail `JOB CODE:`.',
  },
  {
    group: 'log-status',
    title: 'Import log status',
    about: 'The Status and Code columns of an import-log row that is not a storage error.',
  },
  {
    group: 's3',
    title: 'Storage (Amazon S3) errors',
    about: 'Returned by the storage target; a refused file gets an import-log row with the HTTP status.',
  },
  {
    group: 'api',
    title: 'API errors',
    about: 'Error codes of the web-service API (version 2010-06-01), sent in the XML error envelope.',
  },
  {
    group: 'auth',
    title: 'API authentication',
    about: 'Sent by the web-service API when a request cannot be authenticated or names no operation.',
  },
  {
    group: 'longshore',
    title: 'Longshore',
    about: 'Codes of Longshore itself: configuration, command line, admin API and station steps.',
  },
];

function toRow(code: string, entry: CatalogEntry): CatalogRow {
  return {
    code,
    group: entry.group,
    http: entry.http ?? null,
    logStatus: entry.logStatus ?? null,
    retryable: entry.retryable,
    channels: entry.channels,
    message: entry.message,
    action: entry.action,
  };
}

/** Ordinal, case-insensitive order, so output does not depend on the locale. */
function byCode(a: CatalogRow, b: CatalogRow): number {
  const [x, y] = [a.code.toLowerCase(), b.code.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Every catalog entry as a row, sorted by code. */
export function catalogRows(): CatalogRow[] {
  return Object.entries(CATALOG)
    .map(([code, entry]) => toRow(code, entry))
    .sort(byCode);
}

const dash = (value: number | null): string => (value === null ? '-' : String(value));

/** A plain-text table of the whole catalog for `longshore codes` (ends with a newline). */
export function renderCodesText(): string {
  const header = ['CODE', 'HTTP', 'LOG', 'GROUP', 'RETRY', 'CHANNELS', 'MESSAGE'];
  const lines = catalogRows().map((row) => [
    row.code,
    dash(row.http),
    dash(row.logStatus),
    row.group,
    row.retryable ? 'yes' : 'no',
    row.channels.join(','),
    row.message,
  ]);
  const table = [header, ...lines];
  const widths = header.map((_, col) => Math.max(...table.map((cells) => (cells[col] ?? '').length)));
  const format = (cells: string[]): string =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  return table.map(format).join('\n') + '\n';
}

/** The whole catalog as one JSON object, `{ "codes": [...] }`, for `longshore codes --json`. */
export function renderCodesJson(): string {
  return JSON.stringify({ codes: catalogRows() }, null, 2) + '\n';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** "API: `X`" / "e-mail: `Y`" for an entry's cross-links, or an empty string. */
function seeAlso(code: string): string {
  const entry: CatalogEntry = CATALOG[code as CodeName];
  const links: string[] = [];
  if (entry.api) links.push(`API: \`${entry.api}\``);
  if (entry.email) links.push(`e-mail: \`${entry.email}\``);
  return links.join(', ');
}

function markdownSection(title: string, about: string, rows: CatalogRow[]): string[] {
  const out = [
    `## ${title}`,
    '',
    about,
    '',
    '| Code | HTTP | Log | Retryable | Channels | Message | Recommended action | Same situation |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const cells = [
      `\`${row.code}\``,
      dash(row.http),
      dash(row.logStatus),
      row.retryable ? 'yes' : 'no',
      row.channels.join(', '),
      cell(row.message),
      cell(row.action),
      seeAlso(row.code),
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

/** The content of docs/codes.md: a short introduction, then one table per code group. */
export function renderCodesMarkdown(): string {
  const rows = catalogRows();
  const out = [
    '# Longshore codes',
    '',
    '<!-- Generated from src/catalog by renderCodesMarkdown(); do not edit by hand.',
    '     Regenerate: UPDATE_DOCS=1 npx vitest run test/unit/catalog/codes-doc.test.ts -->',
    '',
    'Every code Longshore produces, on every channel: the web-service API, e-mail replies, the import log,',
    'the storage target, the command line and the admin API. Codes keep the exact spelling of the original',
    'AWS Import/Export service (including `InvalidAccess Key ID`); `{name}` in a message is filled with the',
    'real value. "Log" is the Status column of an import-log row. "Same situation" names the code used for',
    'the same problem on the other channel. `longshore codes [--json]` prints this catalog.',
    '',
  ];
  for (const { group, title, about } of GROUPS) {
    out.push(
      ...markdownSection(
        title,
        about,
        rows.filter((row) => row.group === group),
      ),
    );
  }
  return out.join('\n');
}
