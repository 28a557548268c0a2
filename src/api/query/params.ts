import type { SubmitJobInput } from '../../jobs/index.js';
import { invalidParam, missingParam } from './errors.js';
import { parseForm, type Pair } from './form.js';

export type { Pair } from './form.js';
export type JobType = SubmitJobInput['jobType'];

/** The largest Manifest (and ManifestAddendum) accepted, in UTF-8 bytes. */
export const MANIFEST_MAX_BYTES = 1024 * 1024;

const LIST_MEMBER = /^(.+)\.member\.(\d+)$/;

/**
 * The parameters of one request, in the order sent, duplicates kept (signatures cover them as
 * sent). The typed readers throw InvalidParameterException or MissingParameterException naming the
 * parameter; a name given twice with different values is InvalidParameterException.
 */
export class Params {
  readonly pairs: readonly Pair[];
  /** The same pairs still percent-encoded as sent (empty when built from decoded pairs). */
  readonly raw: readonly Pair[];

  constructor(pairs: readonly Pair[], raw: readonly Pair[] = []) {
    this.pairs = pairs;
    this.raw = raw;
  }

  /** Parses a form body or query string given as a byte string (one char per byte). */
  static parse(bytes: string): Params {
    const { decoded, raw } = parseForm(bytes);
    return new Params(decoded, raw);
  }

  concat(other: Params): Params {
    return new Params([...this.pairs, ...other.pairs], [...this.raw, ...other.raw]);
  }

  has(name: string): boolean {
    return this.pairs.some(([n]) => n === name);
  }

  /** The first name given more than once with different values, or null. */
  firstConflict(): string | null {
    const seen = new Map<string, string>();
    for (const [name, value] of this.pairs) {
      const before = seen.get(name);
      if (before !== undefined && before !== value) return name;
      seen.set(name, value);
    }
    return null;
  }

  /** The value of `name`, or undefined when absent. */
  optionalString(name: string, maxBytes?: number): string | undefined {
    let value: string | undefined;
    for (const [n, v] of this.pairs) {
      if (n !== name) continue;
      if (value !== undefined && value !== v)
        throw invalidParam(name, 'it is given twice with different values');
      value = v;
    }
    if (value !== undefined && maxBytes !== undefined && Buffer.byteLength(value, 'utf8') > maxBytes) {
      throw invalidParam(name, `it is larger than ${maxBytes} bytes`);
    }
    return value;
  }

  requiredString(name: string, maxBytes?: number): string {
    const value = this.optionalString(name, maxBytes);
    if (value === undefined) throw missingParam(name);
    return value;
  }

  /** `true` or `false`, in any case. */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw invalidParam(name, 'it must be true or false');
  }

  requiredBoolean(name: string): boolean {
    const value = this.optionalBoolean(name);
    if (value === undefined) throw missingParam(name);
    return value;
  }

  /** A decimal integer (the service decides the range). */
  optionalInteger(name: string): number | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!/^[+-]?\d{1,15}$/.test(value.trim())) throw invalidParam(name, 'it must be an integer');
    return Number(value.trim());
  }

  /** `Import` or `Export`, in any case, returned in the model's spelling. */
  requiredJobType(name: string): JobType {
    const value = this.requiredString(name);
    const lower = value.trim().toLowerCase();
    if (lower === 'import') return 'Import';
    if (lower === 'export') return 'Export';
    throw invalidParam(name, 'it must be Import or Export');
  }

  /**
   * A list: `name.member.1`, `name.member.2`, ... in index order, or (as the old Java tool sends it)
   * one comma-separated `name`. Empty when neither is present.
   */
  stringList(name: string): string[] {
    const members = new Map<number, string>();
    for (const [n] of this.pairs) {
      const match = LIST_MEMBER.exec(n);
      if (!match || match[1] !== name) continue;
      const index = Number(match[2]);
      if (index < 1) throw invalidParam(n, 'list members are numbered from 1');
      members.set(index, this.requiredString(n));
    }
    const commaSeparated = this.optionalString(name);
    const listed = [...members.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
    if (commaSeparated === undefined) return listed;
    const split = commaSeparated
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    return [...listed, ...split];
  }
}
