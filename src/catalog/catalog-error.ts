import { CATALOG, type CodeName } from './catalog.js';
import type { CatalogEntry } from './types.js';

export type MessageParams = Record<string, string | number>;

/** The catalog entry for a code (throws on an unknown name, which only a cast could produce). */
export function entryOf(code: CodeName): CatalogEntry {
  const entry: CatalogEntry | undefined = CATALOG[code];
  if (!entry) throw new Error(`unknown catalog code: ${code}`);
  return entry;
}

/** True when `name` is a code in the catalog. */
export function isCodeName(name: string): name is CodeName {
  return Object.prototype.hasOwnProperty.call(CATALOG, name);
}

/** The entry's message with `{placeholders}` filled from `params` (unknown ones are left as they are). */
export function renderMessage(code: CodeName, params: MessageParams = {}): string {
  return entryOf(code).message.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/**
 * The one error type domain code throws. Each channel renders it its own way
 * (XML, e-mail reply, CSV log row, JSON, CLI stderr) from the same catalog entry.
 */
export class CatalogError extends Error {
  readonly code: CodeName;
  readonly params: MessageParams;
  /** Extra structured data for the channel (e.g. the manifest issues behind a manifest error). */
  readonly details?: unknown;

  constructor(code: CodeName, params: MessageParams = {}, details?: unknown) {
    super(renderMessage(code, params));
    this.name = 'CatalogError';
    this.code = code;
    this.params = params;
    this.details = details;
  }

  get entry(): CatalogEntry {
    return entryOf(this.code);
  }
}

/** Maps anything thrown to a CatalogError; unknown errors become InternalError (the cause is kept). */
export function toCatalogError(err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  const wrapped = new CatalogError('InternalError');
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/** InvalidParameterException naming the parameter (and keeping the rejected value for logs). */
export function invalidParameter(parameter: string, value?: unknown): CatalogError {
  return new CatalogError('InvalidParameterException', { parameter }, { parameter, value });
}

/** MissingParameterException naming the parameter. */
export function missingParameter(parameter: string): CatalogError {
  return new CatalogError('MissingParameterException', { parameter }, { parameter });
}
