import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseManifest } from '../../../src/manifest/index.js';

// The two complete examples of docs/manifest.md must stay valid.
const DOC = readFileSync(join(import.meta.dirname, '../../../docs/manifest.md'), 'utf8');
const EXAMPLES = [...DOC.matchAll(/^## Example: (\w+).*\n\n```yaml\n([\s\S]*?)```/gm)].map((m) => ({
  kind: m[1] === 'import' ? ('Import' as const) : ('Export' as const),
  text: m[2] ?? '',
}));

test('docs/manifest.md has an import and an export example', () => {
  expect(EXAMPLES.map((e) => e.kind)).toEqual(['Import', 'Export']);
});

test.each(EXAMPLES)('the $kind example is a valid manifest without warnings', ({ kind, text }) => {
  const result = parseManifest(text, kind);
  expect(result.ok ? [] : result.issues).toEqual([]);
  expect(result.warnings).toEqual([]);
});
