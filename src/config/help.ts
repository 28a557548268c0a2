import { OPTIONS, envVarOf, flagKeyOf, optionNamesFor, type CommandName, type OptionSpec } from './schema.js';

/** One option as a command line shows it. */
export interface OptionHelp {
  name: string;
  /** commander's flags text, e.g. `--data-dir <DIR>` or `--json`. */
  flags: string;
  /** The key of the parsed value in commander's `opts()`, e.g. `dataDir`. */
  key: string;
  env: string;
  /** Help text ending with `(env: LONGSHORE_X, default: Y)`. */
  description: string;
}

/** The help entries of every option a command reads, in declaration order. */
export function optionHelpFor(command: CommandName): OptionHelp[] {
  return optionNamesFor(command).map((name) => {
    const spec = OPTIONS[name] as OptionSpec<unknown>;
    const env = envVarOf(name);
    const flags = spec.kind === 'switch' ? `--${name}` : `--${name} <${spec.valueName}>`;
    const suffix =
      spec.default === undefined || spec.kind === 'switch'
        ? `env: ${env}`
        : `env: ${env}, default: ${String(spec.default)}`;
    return { name, flags, key: flagKeyOf(name), env, description: `${spec.help} (${suffix})` };
  });
}
