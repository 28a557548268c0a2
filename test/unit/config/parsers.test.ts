import { describe, expect, it } from 'vitest';
import {
  InvalidValue,
  isEmailAddress,
  parseBoolean,
  parseCountryCode,
  parseEmailAddress,
  parseHost,
  parseKey,
  parsePort,
  parsePositiveInteger,
  parseRegion,
  parseStationName,
  parseText,
  parseToken,
  urlParser,
  type Parser,
} from '../../../src/config/parsers.js';

function reasonOf(parse: Parser<unknown>, raw: string): string {
  try {
    parse(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidValue);
    return (err as InvalidValue).reason;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
}

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535],
  ])('accepts %s', (raw, port) => expect(parsePort(raw)).toBe(port));
  it.each(['0', '65536', 'abc', '80.5', '-1', '+80', '1e3', ''])('refuses %j', (raw) => {
    expect(reasonOf(parsePort, raw)).toBe('must be an integer from 1 to 65535');
  });
});

describe('parsePositiveInteger', () => {
  it('accepts whole numbers from 1', () => {
    expect(parsePositiveInteger('1')).toBe(1);
    expect(parsePositiveInteger('3600')).toBe(3600);
  });
  it.each(['0', '-5', '2.5', 'ten', '99999999999999999999'])('refuses %j', (raw) => {
    expect(reasonOf(parsePositiveInteger, raw)).toBe('must be a whole number of 1 or more');
  });
});

describe('parseBoolean', () => {
  it.each(['1', 'true', 'TRUE', 'yes', 'on'])('%s is true', (raw) => expect(parseBoolean(raw)).toBe(true));
  it.each(['0', 'false', 'No', 'off'])('%s is false', (raw) => expect(parseBoolean(raw)).toBe(false));
  it('refuses anything else, listing what is allowed', () => {
    expect(reasonOf(parseBoolean, 'maybe')).toMatch(/1, true, yes, on, 0, false, no, off/);
  });
});

describe('urlParser', () => {
  const database = urlParser(['postgres', 'postgresql']);
  const http = urlParser(['http', 'https'], { baseUrl: true });
  const smtp = urlParser(['smtp', 'smtps']);

  it('accepts URLs with an allowed scheme', () => {
    expect(database('postgres://u:p@db:5432/longshore')).toBe('postgres://u:p@db:5432/longshore');
    expect(database('postgresql://db/longshore')).toBe('postgresql://db/longshore');
    expect(smtp('smtp://relay.example.com:25')).toBe('smtp://relay.example.com:25');
    expect(smtp('smtps://relay.example.com:465')).toBe('smtps://relay.example.com:465');
  });

  it('normalises base URLs: no trailing slash, path kept', () => {
    expect(http('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
    expect(http('https://s3.example.com/prefix/')).toBe('https://s3.example.com/prefix');
  });

  it.each([
    [database, 'mysql://db/x', 'must be a URL starting with postgres:// or postgresql://'],
    [database, 'not a url', 'must be a URL starting with postgres:// or postgresql://'],
    [http, 'ftp://host', 'must be a URL starting with http:// or https://'],
    [http, 'localhost:9000', 'must be a URL starting with http:// or https://'],
    [http, 'http://host/?x=1', 'must not have a query (?...) or fragment (#...)'],
    [smtp, 'http://relay:25', 'must be a URL starting with smtp:// or smtps://'],
  ] as const)('refuses %#: %s', (parse, raw, reason) => {
    expect(reasonOf(parse, raw)).toBe(reason);
  });
});

describe('e-mail addresses', () => {
  it.each(['importexport@localhost', 'a.b+c@example.co.uk', "o'neil@example.com"])('accepts %s', (raw) => {
    expect(isEmailAddress(raw)).toBe(true);
    expect(parseEmailAddress(raw)).toBe(raw);
  });
  it.each([
    '',
    'plain',
    '@example.com',
    'a@',
    'a b@example.com',
    'a@exa_mple.com',
    'a..b@example.com',
    '<a@example.com>',
  ])('refuses %j', (raw) => {
    expect(isEmailAddress(raw)).toBe(false);
    expect(reasonOf(parseEmailAddress, raw)).toBe('must be an e-mail address like name@example.com');
  });
});

describe('the other parsers', () => {
  it('parseHost takes host names and IP addresses', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'longshore.example.com']) {
      expect(parseHost(host)).toBe(host);
    }
    expect(reasonOf(parseHost, 'http://host')).toMatch(/host name or an IP address/);
  });

  it('parseRegion takes AWS and Ceph style names', () => {
    expect(parseRegion('us-east-1')).toBe('us-east-1');
    expect(parseRegion('default')).toBe('default');
    expect(reasonOf(parseRegion, 'US_EAST')).toMatch(/region name like us-east-1/);
  });

  it('parseStationName', () => {
    expect(parseStationName('dock-1.east_2')).toBe('dock-1.east_2');
    expect(reasonOf(parseStationName, '-dock')).toMatch(/starting with a letter or digit/);
    expect(reasonOf(parseStationName, 'a'.repeat(64))).toMatch(/1-63/);
  });

  it('parseCountryCode upper-cases two letters', () => {
    expect(parseCountryCode('de')).toBe('DE');
    expect(reasonOf(parseCountryCode, 'USA')).toMatch(/two-letter country code/);
  });

  it('parseToken wants 16 visible characters', () => {
    expect(parseToken('0123456789abcdef')).toBe('0123456789abcdef');
    expect(reasonOf(parseToken, 'short')).toMatch(/at least 16/);
    expect(reasonOf(parseToken, '0123456789 abcdef')).toMatch(/without spaces/);
  });

  it('parseKey and parseText', () => {
    expect(parseKey('AKIAEXAMPLE')).toBe('AKIAEXAMPLE');
    expect(reasonOf(parseKey, 'has space')).toMatch(/without spaces/);
    expect(parseText('./data')).toBe('./data');
    expect(reasonOf(parseText, '')).toBe('must not be empty');
  });
});
