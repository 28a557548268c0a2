import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderCodesMarkdown } from '../../../src/catalog/index.js';

const docPath = fileURLToPath(new URL('../../../docs/codes.md', import.meta.url));

describe('docs/codes.md', () => {
  it('is the output of renderCodesMarkdown()', () => {
    const rendered = renderCodesMarkdown();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(docPath, rendered);
    let committed = '';
    try {
      committed = readFileSync(docPath, 'utf8');
    } catch {
      // a missing file fails the comparison below with the same hint
    }
    expect(
      committed === rendered,
      'docs/codes.md is out of date; regenerate it with: UPDATE_DOCS=1 npx vitest run test/unit/catalog/codes-doc.test.ts',
    ).toBe(true);
  });
});
