import { describe, expect, test } from 'vitest';
import {
  parseManifest,
  referencedBuckets,
  type ExportManifest,
  type ImportManifest,
} from '../../../src/manifest/index.js';

const ADDRESS = `returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
`;
const IMPORT = `manifestVersion: 2.0\nbucket: photos\ndeviceId: D1\n${ADDRESS}`;
const EXPORT = `manifestVersion: 2.0
deviceId: D2
logBucket: logs
fileSystem: NTFS
trueCryptPassword: s3cret
operations:
  - exportBucket: photos
  - exportBucket: videos
  - exportBucket: photos
${ADDRESS}`;

function manifestOf(text: string, jobType: 'Import' | 'Export') {
  const result = parseManifest(text, jobType);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.manifest;
}

describe('manifest API', () => {
  test('referencedBuckets lists each bucket once, log bucket included', () => {
    expect(referencedBuckets(manifestOf(IMPORT, 'Import') as ImportManifest)).toEqual(['photos']);
    const withLogs = manifestOf(`${IMPORT}logBucket: logs\n`, 'Import');
    expect(referencedBuckets(withLogs)).toEqual(['photos', 'logs']);
    expect(referencedBuckets(manifestOf(EXPORT, 'Export') as ExportManifest)).toEqual([
      'logs',
      'photos',
      'videos',
    ]);
  });

  test('the job type decides which fields are required and allowed', () => {
    const asExport = parseManifest(IMPORT, 'Export');
    expect(asExport.ok).toBe(false);
    expect(!asExport.ok && asExport.issues.map((i) => [i.code, i.path])).toEqual([
      ['MissingManifestFieldException', 'logBucket'],
      ['MissingManifestFieldException', 'fileSystem'],
      ['MissingManifestFieldException', 'operations'],
      ['MissingManifestFieldException', 'trueCryptPassword'],
      ['InvalidManifestFieldException', 'bucket'],
    ]);
  });

  test('stationCountry decides whether customs are needed', () => {
    const toCanada = IMPORT.replace('stateOrProvince: OR', 'stateOrProvince: ON')
      .replace('postalCode: 97477', 'postalCode: K1A 0B1')
      .replace('country: USA', 'country: CA');
    expect(parseManifest(toCanada, 'Import', { stationCountry: 'CA' }).ok).toBe(true);
    const fromUs = parseManifest(toCanada, 'Import');
    expect(!fromUs.ok && fromUs.issues.map((i) => i.code)).toEqual(['MissingCustomsException']);
  });

  test('regionOf is only consulted when given, and unknown buckets are skipped', () => {
    const text = `${IMPORT}logBucket: logs\n`;
    expect(parseManifest(text, 'Import').ok).toBe(true);
    expect(parseManifest(text, 'Import', { regionOf: () => undefined }).ok).toBe(true);
    const split = parseManifest(text, 'Import', {
      regionOf: (b) => (b === 'logs' ? 'eu-west-1' : 'us-east-1'),
    });
    expect(!split.ok && split.issues.map((i) => [i.code, i.path, i.line])).toEqual([
      ['MultipleRegionsException', 'logBucket', 12],
    ]);
  });

  test('every issue message names its field', () => {
    const result = parseManifest('manifestVersion: 2.0\nbucket: A\nacl: x\n', 'Import');
    expect(result.ok).toBe(false);
    for (const issue of result.ok ? [] : result.issues) expect(issue.message).toContain(issue.path);
  });

  test('passwords and PINs are never repeated in messages', () => {
    const secret = 'x'.repeat(65);
    const result = parseManifest(`${EXPORT.replace('s3cret', secret)}pinCode: 99ab-secret\n`, 'Export');
    const messages = result.ok ? '' : result.issues.map((i) => i.message).join(' ');
    expect(messages).toContain('trueCryptPassword');
    expect(messages).not.toContain(secret);
    expect(messages).not.toContain('99ab-secret');
  });

  test('never throws, whatever the text', () => {
    const samples = [
      '',
      ':',
      '- - -',
      '{',
      '"',
      "'",
      '&',
      '*',
      '!',
      '%YAML 1.1\n---\na: b',
      '? [a]\n: b',
      'a: b\n...\nc',
      '\u0000',
      '\uFEFF',
    ];
    let seed = 7;
    const chars = 'ab:- \n\t[]{}"\'&*!#|>?,%@`\\';
    for (let n = 0; n < 300; n++) {
      let text = '';
      for (let i = 0; i < 40; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += chars[seed % chars.length];
      }
      samples.push(text);
    }
    for (const text of samples) {
      for (const jobType of ['Import', 'Export'] as const) {
        const result = parseManifest(text, jobType);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }
    }
  });
});
