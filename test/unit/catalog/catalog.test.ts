import { describe, expect, it } from 'vitest';
import { CATALOG, isCodeName, type CatalogEntry } from '../../../src/catalog/index.js';

const entries = Object.entries(CATALOG) as [string, CatalogEntry][];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

describe('catalog entries', () => {
  it.each(entries)('%s is well formed', (code, entry) => {
    expect(code).toBe(code.trim());
    expect(entry.message.trim()).not.toBe('');
    expect(entry.action.trim()).not.toBe('');
    expect(entry.channels.length).toBeGreaterThan(0);
    expect(new Set(entry.channels).size).toBe(entry.channels.length);
    if (['api', 'auth', 's3'].includes(entry.group)) expect(entry.http).toBeTypeOf('number');
    if (entry.http !== undefined) expect(entry.http).toBeGreaterThanOrEqual(100);
    if (entry.channels.includes('log')) expect(entry.logStatus).toBeTypeOf('number');
    if (entry.channels.includes('api')) expect(entry.channels).toContain('cli');
    expect(placeholders(entry.action)).toEqual([]);
  });

  it('uses the placeholders the callers fill', () => {
    const expected: Record<string, string[]> = {
      Returned: ['carrier', 'trackingNumber'],
      Success: ['logUrl'],
      SuccessWithErrors: ['count'],
      InvalidParameterException: ['parameter'],
      InvalidAddressException: ['fields'],
      MissingParameterException: ['parameter'],
      InvalidManifestField: ['fields'],
      MissingManifestField: ['fields'],
      InvalidManifestFieldException: ['fields'],
      MissingManifestFieldException: ['fields'],
      InvalidConfiguration: ['option', 'reason'],
      InvalidJobState: ['state'],
      ServerUnreachable: ['url'],
    };
    const actual = Object.fromEntries(
      entries
        .filter(([, e]) => placeholders(e.message).length > 0)
        .map(([c, e]) => [c, placeholders(e.message)]),
    );
    expect(actual).toEqual(expected);
  });

  it('marks only transient failures retryable', () => {
    const retryable = entries.filter(([, e]) => e.retryable).map(([code]) => code);
    expect(retryable.sort()).toEqual(
      ['InternalError', 'OperationAborted', 'RequestTimeout', 'ServerUnreachable', 'SlowDown'].sort(),
    );
  });

  it('gives the API model errors 400, except InvalidClientTokenIdException (403)', () => {
    for (const [code, entry] of entries.filter(([, e]) => e.group === 'api')) {
      expect(entry.http, code).toBe(code === 'InvalidClientTokenIdException' ? 403 : 400);
      expect(code).toMatch(/Exception$/);
    }
  });
});

describe('cross-links', () => {
  it.each(entries.filter(([, e]) => e.email !== undefined))('%s links to an e-mail code', (code, entry) => {
    const target = entry.email ?? '';
    expect(isCodeName(target), target).toBe(true);
    const back = CATALOG[target as keyof typeof CATALOG] as CatalogEntry;
    expect(back.channels).toContain('email');
    expect(back.api, `${target} should link back`).toBeDefined();
    expect((CATALOG[back.api as keyof typeof CATALOG] as CatalogEntry).email).toBe(target);
    expect(entry.channels).toContain('api');
  });

  it.each(entries.filter(([, e]) => e.api !== undefined))('%s links to an API code', (code, entry) => {
    const target = entry.api ?? '';
    expect(isCodeName(target), target).toBe(true);
    const back = CATALOG[target as keyof typeof CATALOG] as CatalogEntry;
    expect(back.channels).toContain('api');
    expect(back.email).toBe(code);
    expect(entry.channels).toContain('email');
    expect(entry.channels).not.toContain('api');
  });
});
