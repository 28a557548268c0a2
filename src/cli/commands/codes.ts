import type { Command } from 'commander';
import { renderCodesJson, renderCodesMarkdown, renderCodesText } from '../../catalog/index.js';
import { resolveConfig } from '../../config/index.js';
import { addConfigOptions } from '../config-options.js';
import type { CliIo } from '../io.js';
import { usageInvalid } from '../usage-errors.js';

/** `longshore codes [--json] [--markdown]`: prints the whole catalog. */
export function registerCodesCommand(program: Command, io: CliIo): void {
  const codes = program
    .command('codes')
    .description('print every code: HTTP status, log status, channels, message')
    .option('--markdown', 'print the catalog as the Markdown of docs/codes.md');
  addConfigOptions(codes, 'codes').action((flags: Record<string, unknown>) => {
    if (flags.json && flags.markdown) {
      usageInvalid('--markdown', undefined, 'choose either --json or --markdown');
    }
    // An explicit --markdown wins over LONGSHORE_JSON from the environment.
    const { json } = resolveConfig('codes', flags, io.env, io.cwd);
    io.stdout(flags.markdown ? renderCodesMarkdown() : json ? renderCodesJson() : renderCodesText());
  });
}
