import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { OPTIONS, envVarOf, optionNamesFor, type OptionName } from '../../../src/config/index.js';
import { captureIo } from '../cli/capture-io.js';

async function help(...args: string[]): Promise<string> {
  const run = captureIo();
  expect(await main(['node', 'longshore', ...args, '--help'], run.io)).toBe(0);
  return run.stdout();
}

describe('help generated from the schema', () => {
  it('`serve --help` lists every serve option with its variable and default', async () => {
    const text = (await help('serve')).replace(/\s+/g, ' ');
    const names = optionNamesFor('serve');
    expect(names.length).toBeGreaterThanOrEqual(19);
    for (const name of names) {
      const spec = OPTIONS[name as OptionName] as { default?: unknown; kind: string };
      expect(text).toContain(`--${name}`);
      expect(text).toContain(envVarOf(name));
      if (spec.default !== undefined && spec.kind === 'value')
        expect(text).toContain(`default: ${String(spec.default)}`);
    }
  });

  it('admin leaf commands list the client options', async () => {
    const text = await help('admin', 'account', 'create');
    for (const env of ['LONGSHORE_SERVER', 'LONGSHORE_ADMIN_TOKEN', 'LONGSHORE_DATA_DIR', 'LONGSHORE_JSON']) {
      expect(text).toContain(env);
    }
    expect(text).toContain('--email <ADDR>');
    expect(text).toContain('--not-signed-up');
  });
});
