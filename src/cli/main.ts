import { CommanderError } from 'commander';
import { CatalogError } from '../catalog/index.js';
import { resolveConfig, type Environment } from '../config/index.js';
import { processIo, type CliIo } from './io.js';
import { renderError } from './output.js';
import { buildProgram } from './program.js';
import { UsageError, fromCommanderError, isHelpOrVersion } from './usage-errors.js';

/**
 * Runs the `longshore` command line with `argv` as in process.argv and returns the exit code:
 * 0 success, 1 failure (a catalog code on stderr), 2 usage error (InvalidParameterException or
 * MissingParameterException).
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'node' });
    return 0;
  } catch (err) {
    return reportFailure(err, jsonRequested(argv, io.env), io);
  }
}

/** Whether errors should be JSON: `--json` anywhere, or LONGSHORE_JSON set to a true value. */
function jsonRequested(argv: readonly string[], env: Environment): boolean {
  if (argv.includes('--json')) return true;
  try {
    return resolveConfig('codes', {}, env).json;
  } catch {
    return false;
  }
}

function reportFailure(err: unknown, json: boolean, io: CliIo): number {
  if (err instanceof CommanderError) {
    if (isHelpOrVersion(err)) return 0;
    io.stderr(renderError(fromCommanderError(err), json));
    return 2;
  }
  if (err instanceof UsageError) {
    io.stderr(renderError(err.error, json));
    return 2;
  }
  io.stderr(renderError(asCatalogError(err), json));
  return 1;
}

/** Unexpected errors become InternalError with the cause's message, so the operator sees what failed. */
function asCatalogError(err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  const wrapped = new CatalogError('InternalError', {}, { reason });
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}
