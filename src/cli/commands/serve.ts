import type { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import { addConfigOptions } from '../config-options.js';
import type { CliIo } from '../io.js';

/** `longshore serve`: resolves ServeConfig (InvalidConfiguration on a bad option) and runs the server. */
export function registerServeCommand(program: Command, io: CliIo): void {
  const serve = program
    .command('serve')
    .description('run the whole control plane: API, admin API, SMTP, dashboard and an embedded station');
  addConfigOptions(serve, 'serve').action(async (flags: Record<string, unknown>) => {
    const config = resolveConfig('serve', flags, io.env, io.cwd);
    // Loaded only here, so other commands start without the server's dependency graph.
    const { runServe } = await import('../server.js');
    await runServe(config);
  });
}
