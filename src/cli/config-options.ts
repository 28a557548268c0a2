import { Option, type Command } from 'commander';
import { optionHelpFor, type CommandName } from '../config/index.js';

/**
 * Adds the flags of every configuration option `command` reads, generated from the config schema.
 * No commander defaults or env lookups: resolveConfig applies flag > environment > default itself,
 * and the help text shows each option's variable and default.
 */
export function addConfigOptions(cmd: Command, command: CommandName): Command {
  for (const help of optionHelpFor(command)) cmd.addOption(new Option(help.flags, help.description));
  return cmd;
}
