import { describe, expect, test } from 'vitest';
import { canonicalManifestText, parseManifest } from '../../../src/manifest/index.js';

const MANIFEST = [
  'manifestVersion: 2.0',
  'bucket: my-import-bucket',
  'deviceId: WD-12345',
  'eraseDevice: perhaps',
  'returnAddress: {name: Jane Roe, street1: 1 Main St, city: Springfield, stateOrProvince: OR,',
  '  postalCode: 97477, phoneNumber: 555-0100, country: USA}',
  '',
].join('\n');

describe('canonicalManifestText (what the SIGNATURE covers)', () => {
  test('strips a leading UTF-8 BOM and turns CRLF into LF', () => {
    expect(canonicalManifestText('\uFEFFa: 1\r\nb: 2\r\n')).toBe('a: 1\nb: 2\n');
  });

  test('leaves LF text, lone CRs and inner BOMs alone', () => {
    expect(canonicalManifestText('a: 1\nb: 2\n')).toBe('a: 1\nb: 2\n');
    expect(canonicalManifestText('a\rb')).toBe('a\rb');
    expect(canonicalManifestText('a\uFEFFb')).toBe('a\uFEFFb');
  });

  test('is idempotent and keeps the number of lines', () => {
    const text = '\uFEFFx: 1\r\n\r\ny: 2\r\n';
    const once = canonicalManifestText(text);
    expect(canonicalManifestText(once)).toBe(once);
    expect(once.split('\n').length).toBe(text.split('\n').length);
  });

  test('LF, CRLF and BOM variants give the same result and the same positions', () => {
    const variants = [
      MANIFEST,
      MANIFEST.replace(/\n/g, '\r\n'),
      `\uFEFF${MANIFEST}`,
      `\uFEFF${MANIFEST}`.replace(/\n/g, '\r\n'),
    ];
    const results = variants.map((v) => parseManifest(v, 'Import'));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(!results[0]?.ok && results[0]?.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['eraseDevice', 4, 14],
    ]);
  });
});
