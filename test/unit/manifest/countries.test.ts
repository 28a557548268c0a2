import { describe, expect, test } from 'vitest';
import { countryCode, EU_MEMBERS } from '../../../src/manifest/index.js';
import { knownCountryCodes, needsCustoms } from '../../../src/manifest/countries.js';

describe('countries', () => {
  test.each([
    ['US', 'US'],
    ['usa', 'US'],
    ['U.S.A.', 'US'],
    ['United States of America', 'US'],
    ['  united   states ', 'US'],
    ['DEU', 'DE'],
    ['Deutschland', 'DE'],
    ['The Netherlands', 'NL'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['NO', 'NO'],
    ['jpn', 'JP'],
    ["People's Republic of China", 'CN'],
    ['Türkiye', 'TR'],
    ['España', 'ES'],
  ])('%s is %s', (name, code) => {
    expect(countryCode(name)).toBe(code);
  });

  test.each(['Atlantis', 'Mars', '', 'U', 'EU', 'Europe'])('%s is not a country', (name) => {
    expect(countryCode(name)).toBeUndefined();
  });

  test('the table covers at least 40 countries, each code unique, and every EU member', () => {
    const codes = knownCountryCodes();
    expect(codes.length).toBeGreaterThanOrEqual(40);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EU_MEMBERS.size).toBe(27);
    for (const member of EU_MEMBERS) expect(codes).toContain(member);
    expect(EU_MEMBERS.has('GB')).toBe(false);
  });

  test('every alpha-2 and alpha-3 code in the table resolves to itself', () => {
    for (const code of knownCountryCodes()) expect(countryCode(code)).toBe(code);
  });

  test('customs are needed across borders, except between two EU members', () => {
    expect(needsCustoms('US', 'US')).toBe(false);
    expect(needsCustoms('US', 'CA')).toBe(true);
    expect(needsCustoms('IE', 'DE')).toBe(false);
    expect(needsCustoms('IE', 'GB')).toBe(true);
    expect(needsCustoms('IE', 'CH')).toBe(true);
    expect(needsCustoms('SG', 'MY')).toBe(true);
  });
});
