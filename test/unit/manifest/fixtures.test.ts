import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseManifest, type JobKind, type ValidateOptions } from '../../../src/manifest/index.js';

// Every test/fixtures/manifests/NAME.yaml is checked against NAME.expected.json:
// { jobType, ok, issues?: [{code, path, line, column}], warnings?: [...], manifest?: {partial},
//   options?: {stationCountry?, maxBytes?}, regions?: {bucket: region} }.
// `issues` must match exactly and in order; `warnings` too (absent = none); `manifest` is partial.

interface Expected {
  jobType: JobKind;
  ok: boolean;
  issues?: Array<{ code: string; path: string; line: number; column: number }>;
  warnings?: string[];
  manifest?: Record<string, unknown>;
  options?: Omit<ValidateOptions, 'regionOf'>;
  regions?: Record<string, string>;
}

const DIR = join(import.meta.dirname, '../../fixtures/manifests');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

function optionsOf(expected: Expected): ValidateOptions {
  const regions = expected.regions;
  return regions ? { ...expected.options, regionOf: (bucket) => regions[bucket] } : { ...expected.options };
}

describe('manifest fixtures', () => {
  test('there are at least 40 fixtures, each with its expectation', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(40);
    const expectations = readdirSync(DIR).filter((f) => f.endsWith('.expected.json'));
    expect(expectations.map((f) => f.slice(0, -'.expected.json'.length)).sort()).toEqual(NAMES);
  });

  test.each(NAMES)('%s', (name) => {
    const text = readFileSync(join(DIR, `${name}.yaml`), 'utf8');
    const expected = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected;
    const result = parseManifest(text, expected.jobType, optionsOf(expected));
    const issues = result.ok
      ? []
      : result.issues.map(({ code, path, line, column }) => ({ code, path, line, column }));
    expect({ ok: result.ok, issues }).toEqual({ ok: expected.ok, issues: expected.issues ?? [] });
    expect(result.warnings).toEqual(expected.warnings ?? []);
    if (!result.ok) for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(10);
    if (expected.manifest) {
      expect(result.ok && result.manifest).toMatchObject(expected.manifest);
    }
  });
});
