export { processEnvironment, type Environment } from './environment.js';
export { optionHelpFor, type OptionHelp } from './help.js';
export { InvalidValue, STATION_FILE_SYSTEMS, type Parser, type StationFileSystem } from './parsers.js';
export {
  resolveConfig,
  type AdminClientConfig,
  type ConfigOf,
  type FlagValues,
  type OutputConfig,
  type S3TargetConfig,
  type ServeConfig,
  type StationClientConfig,
  type StationPolicy,
} from './resolve.js';
export {
  OPTIONS,
  envVarOf,
  flagKeyOf,
  optionLabel,
  optionNamesFor,
  type CommandName,
  type OptionName,
  type OptionSpec,
  type OptionValue,
} from './schema.js';
