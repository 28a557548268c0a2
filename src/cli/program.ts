import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAdminCommands } from './commands/admin.js';
import { registerCodesCommand } from './commands/codes.js';
import { registerCustomerCommands } from './commands/customer.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStationCommands } from './commands/station.js';
import { registerObjectsCommands } from './commands/objects.js';
import type { CliIo } from './io.js';

function packageVersion(): string {
  try {
    // src/cli/ and dist/cli/ are both two levels below package.json.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The `longshore` command tree. commander never exits the process or prints its own errors here:
 * it throws CommanderError, and main() renders it from the catalog.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('longshore')
    .description("Self-hosted AWS Import/Export (Disk): load customers' disks into S3-compatible storage")
    .version(packageVersion(), '--version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: () => {},
    })
    .showSuggestionAfterError(true);
  registerServeCommand(program, io);
  registerAdminCommands(program, io);
  registerCustomerCommands(program, io);
  registerStationCommands(program, io);
  registerObjectsCommands(program, io);
  registerCodesCommand(program, io);
  return program;
}
