import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG, isCodeName, type CatalogEntry, type CodeGroup } from '../../../src/catalog/index.js';

interface SeedRow {
  group: CodeGroup;
  code: string;
  number: number | null;
}

/** test/fixtures/seed-codes.tsv: every code name and number of the seed (error-and-status-codes.txt). */
function readSeed(): SeedRow[] {
  const text = readFileSync(new URL('../../fixtures/seed-codes.tsv', import.meta.url), 'utf8');
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  expect(lines.shift()).toBe('group\tcode\tnumber');
  return lines.map((line) => {
    const [group, code, number] = line.split('\t');
    return { group: group as CodeGroup, code: code ?? '', number: number ? Number(number) : null };
  });
}

const seed = readSeed();
const SEED_GROUPS: CodeGroup[] = ['email-error', 'device-status', 'job-status', 'log-status', 's3'];
const entry = (code: string): CatalogEntry | undefined =>
  isCodeName(code) ? (CATALOG[code] as CatalogEntry) : undefined;

describe('the seed fixture', () => {
  it('has every table of the seed', () => {
    const distinct = (group: CodeGroup) => new Set(seed.filter((r) => r.group === group).map((r) => r.code));
    expect(distinct('email-error').size).toBe(13);
    expect(distinct('device-status').size).toBe(3);
    expect(distinct('job-status').size).toBe(12);
    expect(distinct('log-status').size).toBe(3);
    expect(distinct('s3').size).toBe(66);
    expect(seed.filter((r) => r.group === 's3')).toHaveLength(67); // MalformedACLError is listed twice
  });

  it('has a number on every s3 and log row only', () => {
    for (const row of seed) {
      const numbered = row.group === 's3' || row.group === 'log-status';
      expect(row.number === null, row.code).toBe(!numbered);
    }
  });
});

describe('the catalog against the seed', () => {
  it.each(seed.map((row) => [row.group, row.code, row]))('%s %s is in the catalog', (_g, code, row) => {
    const found = entry(code);
    expect(found, `missing or misspelled: "${code}"`).toBeDefined();
    const groups = seed.filter((r) => r.code === code).map((r) => r.group);
    expect(groups).toContain(found?.group);
    if (row.group === 's3') {
      expect(found?.http, `HTTP status of ${code}`).toBe(row.number);
      expect(found?.logStatus, `log status of ${code}`).toBe(row.number);
      expect(found?.channels).toEqual(expect.arrayContaining(['s3', 'log']));
    }
    if (row.group === 'log-status') {
      expect(found?.logStatus, `log status of ${code}`).toBe(row.number);
      expect(found?.channels).toContain('log');
    }
    if (row.group === 'email-error') expect(found?.channels).toContain('email');
  });

  it('has no seed-group code that the seed does not name', () => {
    const named = new Set(seed.map((row) => row.code));
    const extra = Object.entries(CATALOG)
      .filter(([code, e]) => SEED_GROUPS.includes(e.group) && !named.has(code))
      .map(([code]) => code);
    expect(extra).toEqual([]);
  });
});
