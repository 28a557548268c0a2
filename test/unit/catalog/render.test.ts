import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  catalogRows,
  renderCodesJson,
  renderCodesMarkdown,
  renderCodesText,
} from '../../../src/catalog/index.js';

describe('catalogRows', () => {
  const rows = catalogRows();

  it('has one row per entry, sorted by code', () => {
    expect(rows).toHaveLength(Object.keys(CATALOG).length);
    const codes = rows.map((row) => row.code.toLowerCase());
    expect(codes).toEqual([...codes].sort());
  });

  it('uses null for a missing HTTP or log status', () => {
    const pending = rows.find((row) => row.code === 'Pending');
    expect(pending).toMatchObject({ group: 'job-status', http: null, logStatus: null, retryable: false });
    expect(rows.find((row) => row.code === 'KeyTooLong')).toMatchObject({ http: 400, logStatus: 400 });
  });
});

describe('renderCodesText', () => {
  it('prints a header and one line per code', () => {
    const lines = renderCodesText().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CODE\s+HTTP\s+LOG\s+GROUP\s+RETRY\s+CHANNELS\s+MESSAGE$/);
    expect(lines).toHaveLength(Object.keys(CATALOG).length + 1);
    expect(lines.find((line) => line.startsWith('InvalidAccess Key ID '))).toMatch(
      /\s403\s+403\s+email-error\s/,
    );
  });
});

describe('renderCodesJson', () => {
  it('is one object with every row', () => {
    const parsed = JSON.parse(renderCodesJson()) as { codes: unknown[] };
    expect(Object.keys(parsed)).toEqual(['codes']);
    expect(parsed.codes).toEqual(catalogRows());
  });
});

describe('renderCodesMarkdown', () => {
  const md = renderCodesMarkdown();

  it('has one section per group, each code once', () => {
    expect(md.match(/^## /gm)).toHaveLength(8);
    for (const code of Object.keys(CATALOG)) {
      expect(md.split(`| \`${code}\` |`)).toHaveLength(2);
    }
  });

  it('shows the cross-links', () => {
    expect(md).toContain('| API: `InvalidJobIdException` |');
    expect(md).toContain('| e-mail: `InvalidJobId` |');
  });
});
