import { describe, expect, test } from 'vitest';
import { parseManifest, type ManifestResult } from '../../../src/manifest/index.js';

const KIB = 1024;

function timed(run: () => ManifestResult): { result: ManifestResult; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

function codesOf(result: ManifestResult): string[] {
  return result.ok ? [] : result.issues.map((i) => i.code);
}

function billionLaughs(levels: number): string {
  const lines = [
    'manifestVersion: 2.0',
    'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('hostile manifests are refused quickly and with bounded memory', () => {
  test('a 100 MB string is refused in under 200 ms, before any parsing', () => {
    const huge = `manifestVersion: 2.0\ngenerator: ${'x'.repeat(100 * KIB * KIB)}\n`;
    parseManifest('manifestVersion: 2.0\n', 'Import'); // warm up the module
    const { result, ms } = timed(() => parseManifest(huge, 'Import'));
    expect(ms).toBeLessThan(200);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({ code: 'MalformedManifestException', path: '', line: 1, column: 1 }),
    ]);
  });

  test('the byte limit counts UTF-8 bytes, not characters', () => {
    const text = `manifestVersion: 2.0\ngenerator: ${'é'.repeat(200)}\n`; // 400 bytes of é
    expect(codesOf(parseManifest(text, 'Import', { maxBytes: 300 }))).toEqual(['MalformedManifestException']);
    expect(codesOf(parseManifest(text, 'Import', { maxBytes: 1000 }))).not.toContain(
      'MalformedManifestException',
    );
  });

  test('billion laughs (10^9 expansions) is refused at its first anchor, in milliseconds', () => {
    const { result, ms } = timed(() => parseManifest(billionLaughs(9), 'Import'));
    expect(ms).toBeLessThan(50);
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({ code: 'MalformedManifestException', line: 2, column: 5 }),
    ]);
    expect(!result.ok && result.issues[0]?.message).toMatch(/anchor/);
  });

  test('aliases and tags alone are refused too', () => {
    expect(codesOf(parseManifest('manifestVersion: 2.0\nbucket: *b\n', 'Import'))).toEqual([
      'MalformedManifestException',
    ]);
    expect(codesOf(parseManifest('manifestVersion: !!str 2.0\n', 'Import'))).toEqual([
      'MalformedManifestException',
    ]);
  });

  const adversarial: Array<[string, string]> = [
    ['deep flow nesting', `generator: ${'['.repeat(200 * KIB)}`],
    ['deep block sequences', '- '.repeat(100 * KIB)],
    ['deep indentation', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
    ['many keys', Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join('\n')],
    ['many duplicate keys', Array.from({ length: 20_000 }, () => 'k: v').join('\n')],
    ['many explicit keys', '? '.repeat(100 * KIB)],
    ['many anchors', `${'&a '.repeat(60 * KIB)}x`],
    ['mixed brackets', '- [{'.repeat(60 * KIB)],
  ];

  test.each(adversarial)('%s (up to 256 KiB) is answered within a second', (_name, text) => {
    const { result, ms } = timed(() => parseManifest(text, 'Import'));
    expect(ms).toBeLessThan(1000);
    expect(result.ok).toBe(false);
    expect(codesOf(result)[0]).toBe('MalformedManifestException');
  });
});
