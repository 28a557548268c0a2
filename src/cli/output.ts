import { errorJson } from '../api/admin/index.js';
import type { CatalogError } from '../catalog/index.js';
import type { CliIo } from './io.js';

/** Prints a command's result: `value` as one JSON object with --json, else `text`. */
export function printResult(io: CliIo, json: boolean, value: object, text: string): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * How a failure looks on stderr: `CODE: message` and the recommended action, or with --json one
 * object `{"error":{"code","message","action"}}`.
 */
export function renderError(err: CatalogError, json: boolean): string {
  const { error } = errorJson(err);
  if (json) return `${JSON.stringify({ error })}\n`;
  return `${error.code}: ${error.message}\nRecommended action: ${error.action}\n`;
}

/** A plain-text table: a header row, then one row per item, columns padded to fit. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...table.map((cells) => (cells[col] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd();
  return `${table.map(line).join('\n')}\n`;
}

/** `yes` / `no` for table cells. */
export const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
