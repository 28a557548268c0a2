import type { CommanderError } from 'commander';
import { CatalogError } from '../catalog/index.js';

/** A mistake in how the command was called (exit code 2), carrying its catalog error. */
export class UsageError extends Error {
  constructor(readonly error: CatalogError) {
    super(error.message);
    this.name = 'UsageError';
  }
}

/** Throws a usage error: InvalidParameterException naming the parameter, the value and the rule. */
export function usageInvalid(parameter: string, value: string | undefined, reason: string): never {
  throw new UsageError(
    new CatalogError('InvalidParameterException', { parameter }, { parameter, value, reason }),
  );
}

/** Throws a usage error: MissingParameterException naming what is missing. */
export function usageMissing(parameter: string, reason: string): never {
  throw new UsageError(new CatalogError('MissingParameterException', { parameter }, { parameter, reason }));
}

type Kind = 'MissingParameterException' | 'InvalidParameterException';

// commander's error codes: which catalog code, and which parameter when the message's first
// quoted word (`'--email <ADDR>'`, `'NAME'`) is not the right name.
const COMMANDER_CODES: Record<string, { code: Kind; parameter?: string }> = {
  'commander.missingArgument': { code: 'MissingParameterException' },
  'commander.optionMissingArgument': { code: 'MissingParameterException' },
  'commander.missingMandatoryOptionValue': { code: 'MissingParameterException' },
  'commander.help': { code: 'MissingParameterException', parameter: 'COMMAND' },
  'commander.unknownCommand': { code: 'InvalidParameterException', parameter: 'COMMAND' },
  'commander.excessArguments': { code: 'InvalidParameterException', parameter: 'arguments' },
};

/** commander's own usage errors as MissingParameterException or InvalidParameterException. */
export function fromCommanderError(err: CommanderError): CatalogError {
  const known = COMMANDER_CODES[err.code] ?? { code: 'InvalidParameterException' };
  const quoted = /'([^'\s]+)/.exec(err.message)?.[1];
  const parameter = known.parameter ?? quoted ?? 'arguments';
  const reason =
    err.code === 'commander.help'
      ? 'this command needs a subcommand; see the list above'
      : err.message.replace(/^error: /, '').trim();
  return new CatalogError(known.code, { parameter }, { parameter, reason });
}

/** True for commander's "help or version was printed" signals, which are successes. */
export function isHelpOrVersion(err: CommanderError): boolean {
  if (err.code === 'commander.help') return err.exitCode === 0;
  return err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
}
