import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/processes.js';

interface CodeRow {
  code: string;
  http: number | null;
  logStatus: number | null;
}

// `longshore codes --json` as a real process: every code and number of the seed is listed.
describe('longshore codes', () => {
  it('--json lists every seed code with its status', async () => {
    const result = await runCli(['codes', '--json']);
    expect(result.code).toBe(0);
    const { codes } = JSON.parse(result.stdout) as { codes: CodeRow[] };
    const byCode = new Map(codes.map((row) => [row.code, row]));
    const seed = (await readFile(new URL('../fixtures/seed-codes.tsv', import.meta.url), 'utf8'))
      .split('\n')
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('group\t'))
      .map((line) => line.split('\t') as [string, string, string]);
    expect(seed.length).toBeGreaterThan(90);
    for (const [group, code, number] of seed) {
      const row = byCode.get(code.trim());
      expect(row, `${group} ${code}`).toBeDefined();
      if (number && group === 's3') expect(row!.http, code).toBe(Number(number));
      if (number && group === 'log-status') expect(row!.logStatus, code).toBe(Number(number));
    }
  });

  it('prints a readable table by default', async () => {
    const result = await runCli(['codes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('InvalidAccess Key ID');
    expect(result.stdout).toContain('SuccessWithErrors');
  });
});
