import { isAbsolute, resolve as resolvePath } from 'node:path';
import { CatalogError } from '../catalog/index.js';
import { InvalidValue, type StationFileSystem } from './parsers.js';
import {
  OPTIONS,
  envVarOf,
  flagKeyOf,
  optionLabel,
  type CommandName,
  type OptionName,
  type OptionSpec,
  type OptionValue,
} from './schema.js';
import type { Environment } from './environment.js';

/** Values given on the command line, keyed like commander's `opts()` (camelCase: `dataDir`). */
export type FlagValues = Readonly<Record<string, unknown>>;

/** The S3-compatible storage target; present only when --s3-endpoint is set (then all keys are). */
export interface S3TargetConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The STARTTLS certificate of the SMTP listener, as absolute paths of PEM files. */
export interface SmtpTlsConfig {
  certFile: string;
  keyFile: string;
}

/** Everything `longshore serve` needs. */
export interface ServeConfig {
  /** Absolute path. */
  dataDir: string;
  host: string;
  port: number;
  smtpPort: number;
  /** PostgreSQL URL; undefined means the embedded database in dataDir. */
  databaseUrl?: string;
  /** Undefined means the embedded bucket store in dataDir. */
  s3?: S3TargetConfig;
  /** Undefined means outgoing mail is written to the outbox folder in dataDir. */
  smtpRelay?: string;
  mailAddress: string;
  /** STARTTLS certificate and key files; undefined means a self-signed pair in dataDir. */
  smtpTls?: SmtpTlsConfig;
  /** Whether command mails need SMTP AUTH with an account's access key ID and secret. */
  smtpRequireAuth: boolean;
  /** Largest command mail, in bytes (SMTP 552 above it). */
  smtpMaxMessageSize: number;
  /** Command mails per sender per minute (SMTP 450 above it). */
  smtpRateLimit: number;
  /** Longest wait between two delivery attempts of an outgoing mail, in seconds. */
  outboxRetryMaxSeconds: number;
  region: string;
  jobExpiryDays: number;
  expiredRetentionDays: number;
  /** Seconds between two runs of the expiry check. */
  expiryCheckInterval: number;
  createJobQuota: number;
  stationName: string;
  stationCountry: string;
  /** The station's postal address, one line each, printed on shipping labels. */
  stationAddress: string[];
  /** Seconds a shipping label link stays valid. */
  labelUrlTtl: number;
  json: boolean;
}

/** What admin commands need to reach the server. */
export interface AdminClientConfig {
  /** Base URL without a trailing slash. */
  server: string;
  /** Undefined means: read `<dataDir>/admin-token`. */
  adminToken?: string;
  /** Absolute path. */
  dataDir: string;
  json: boolean;
}

/** What station commands need: the admin client settings plus the station's identity. */
export interface StationClientConfig extends AdminClientConfig {
  stationName: string;
  stationCountry: string;
  station: StationPolicy;
  /** The storage target loads write to (undefined: the embedded store in the data directory). */
  s3?: S3TargetConfig;
}

/** What a station accepts and how it reads devices (DECISIONS §2 defaults, §9). */
export interface StationPolicy {
  acceptedConnectors: string[];
  acceptedPowerSupplies: string[];
  acceptedFileSystems: StationFileSystem[];
  /** IANA zone FAT timestamps are read in. */
  fatTimeZone: string;
  /** Load a device as soon as it passes intake. */
  autoLoad: boolean;
}

/**
 * The AWS CLI's own environment variables, as customer commands read them (DECISIONS §8: credentials
 * like the AWS CLI). Passed through here so only src/config reads the process environment.
 */
export interface AwsEnvironment {
  /** AWS_ACCESS_KEY_ID */
  accessKeyId?: string;
  /** AWS_SECRET_ACCESS_KEY */
  secretAccessKey?: string;
  /** AWS_SESSION_TOKEN */
  sessionToken?: string;
  /** AWS_PROFILE, else AWS_DEFAULT_PROFILE */
  profile?: string;
  /** AWS_REGION, else AWS_DEFAULT_REGION */
  region?: string;
  /** AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) */
  sharedCredentialsFile?: string;
  /** AWS_CONFIG_FILE (default ~/.aws/config) */
  configFile?: string;
}

/** What the customer commands (create-job, get-status, ...) need to call the Import/Export API. */
export interface CustomerClientConfig {
  /** Base URL without a trailing slash. */
  endpoint: string;
  /** --profile: an explicit profile, which wins over AWS_ACCESS_KEY_ID (as in the AWS CLI). */
  profile?: string;
  /** --signing-region; undefined means AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1. */
  signingRegion?: string;
  aws: AwsEnvironment;
  json: boolean;
}

/** Settings of commands that only print (codes). */
export interface OutputConfig {
  json: boolean;
}

/** The typed result of `resolveConfig` for each command. */
export interface ConfigOf {
  serve: ServeConfig;
  admin: AdminClientConfig;
  station: StationClientConfig;
  codes: OutputConfig;
  customer: CustomerClientConfig;
}

type Getter = <K extends OptionName>(name: K) => OptionValue<K>;

/**
 * Resolves one command's configuration with the precedence flag > environment > default, and
 * checks every value and the rules between options. Pure: the environment and the working
 * directory are passed in. Throws CatalogError InvalidConfiguration naming the option.
 */
export function resolveConfig<C extends CommandName>(
  command: C,
  flags: FlagValues,
  env: Environment,
  cwd: string = process.cwd(),
): ConfigOf[C] {
  const get: Getter = (name) => resolveOption(command, name, flags, env);
  return BUILDERS[command](get, cwd, env);
}

const BUILDERS: {
  [C in CommandName]: (get: Getter, cwd: string, env: Environment) => ConfigOf[C];
} = {
  serve: (get, cwd) => ({
    dataDir: absolute(cwd, get('data-dir')),
    host: get('host'),
    port: get('port'),
    smtpPort: get('smtp-port'),
    databaseUrl: get('database-url'),
    s3: s3Target(get),
    smtpRelay: get('smtp-relay'),
    mailAddress: get('mail-address'),
    smtpTls: smtpTls(get, cwd),
    smtpRequireAuth: get('smtp-require-auth'),
    smtpMaxMessageSize: get('smtp-max-message-size'),
    smtpRateLimit: get('smtp-rate-limit'),
    outboxRetryMaxSeconds: get('outbox-retry-max-seconds'),
    region: get('region'),
    jobExpiryDays: get('job-expiry-days'),
    expiredRetentionDays: get('expired-retention-days'),
    expiryCheckInterval: get('expiry-check-interval'),
    createJobQuota: get('create-job-quota'),
    stationName: get('station-name'),
    stationCountry: get('station-country'),
    stationAddress: get('station-address').split('|'),
    labelUrlTtl: get('label-url-ttl'),
    json: get('json'),
  }),
  admin: (get, cwd) => adminClient(get, cwd),
  station: (get, cwd) => ({
    ...adminClient(get, cwd),
    stationName: get('station-name'),
    stationCountry: get('station-country'),
    station: stationPolicy(get),
    s3: s3Target(get),
  }),
  codes: (get) => ({ json: get('json') }),
  customer: (get, _cwd, env) => ({
    endpoint: get('endpoint-url'),
    profile: get('profile'),
    signingRegion: get('signing-region'),
    aws: awsEnvironment(env),
    json: get('json'),
  }),
};

function stationPolicy(get: Getter): StationPolicy {
  return {
    acceptedConnectors: get('accepted-connectors'),
    acceptedPowerSupplies: get('accepted-power-supplies'),
    acceptedFileSystems: get('accepted-file-systems'),
    fatTimeZone: get('fat-time-zone'),
    autoLoad: get('auto-load'),
  };
}

/** The AWS CLI variables that are set (an empty variable counts as unset). */
function awsEnvironment(env: Environment): AwsEnvironment {
  const read = (...names: string[]): string | undefined => {
    for (const name of names) {
      const text = env[name]?.trim();
      if (text) return text;
    }
    return undefined;
  };
  const aws: AwsEnvironment = {
    accessKeyId: read('AWS_ACCESS_KEY_ID'),
    secretAccessKey: read('AWS_SECRET_ACCESS_KEY'),
    sessionToken: read('AWS_SESSION_TOKEN'),
    profile: read('AWS_PROFILE', 'AWS_DEFAULT_PROFILE'),
    region: read('AWS_REGION', 'AWS_DEFAULT_REGION'),
    sharedCredentialsFile: read('AWS_SHARED_CREDENTIALS_FILE'),
    configFile: read('AWS_CONFIG_FILE'),
  };
  return Object.fromEntries(Object.entries(aws).filter(([, v]) => v !== undefined)) as AwsEnvironment;
}

function adminClient(get: Getter, cwd: string): AdminClientConfig {
  return {
    server: get('server'),
    adminToken: get('admin-token'),
    dataDir: absolute(cwd, get('data-dir')),
    json: get('json'),
  };
}

function absolute(cwd: string, dir: string): string {
  return isAbsolute(dir) ? resolvePath(dir) : resolvePath(cwd, dir);
}

/** Cross-option rule: an S3 endpoint needs both keys; keys without an endpoint are a mistake too. */
function s3Target(get: Getter): S3TargetConfig | undefined {
  const endpoint = get('s3-endpoint');
  const accessKeyId = get('s3-access-key-id');
  const secretAccessKey = get('s3-secret-access-key');
  const region = get('s3-region');
  if (endpoint === undefined) {
    const stray = accessKeyId !== undefined ? 's3-access-key-id' : 's3-secret-access-key';
    if (accessKeyId !== undefined || secretAccessKey !== undefined) {
      throw invalid(
        stray,
        `is only used with --s3-endpoint (${envVarOf('s3-endpoint')}); set the endpoint too, or remove this option`,
      );
    }
    return undefined;
  }
  const required = 'is required when --s3-endpoint is set';
  if (accessKeyId === undefined) throw invalid('s3-access-key-id', required);
  if (secretAccessKey === undefined) throw invalid('s3-secret-access-key', required);
  return { endpoint, accessKeyId, secretAccessKey, region };
}

/** Cross-option rule: a STARTTLS certificate needs its key, and a key its certificate. */
function smtpTls(get: Getter, cwd: string): SmtpTlsConfig | undefined {
  const certFile = get('smtp-tls-cert');
  const keyFile = get('smtp-tls-key');
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined) throw invalid('smtp-tls-cert', 'is required when --smtp-tls-key is set');
  if (keyFile === undefined) throw invalid('smtp-tls-key', 'is required when --smtp-tls-cert is set');
  return { certFile: absolute(cwd, certFile), keyFile: absolute(cwd, keyFile) };
}

function resolveOption<K extends OptionName>(
  command: CommandName,
  name: K,
  flags: FlagValues,
  env: Environment,
): OptionValue<K> {
  const spec = OPTIONS[name] as OptionSpec<OptionValue<K>>;
  if (!spec.commands.includes(command)) {
    throw new Error(`option --${name} is not declared for command ${command}`);
  }
  const fromFlag = flags[flagKeyOf(name)];
  if (fromFlag !== undefined) {
    if (typeof fromFlag === 'boolean' && spec.kind === 'switch') return fromFlag as OptionValue<K>;
    return parseWith(name, spec, String(fromFlag).trim());
  }
  const fromEnv = env[envVarOf(name)]?.trim();
  // An empty variable counts as unset, the usual convention for `VAR=` in env files.
  if (fromEnv !== undefined && fromEnv !== '') return parseWith(name, spec, fromEnv);
  return spec.default as OptionValue<K>;
}

function parseWith<T>(name: OptionName, spec: OptionSpec<T>, raw: string): T {
  try {
    return spec.parse(raw);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    const given = spec.secret
      ? '(the value is secret and not shown)'
      : `got ${JSON.stringify(truncate(raw))}`;
    throw invalid(name, `${err.reason}, ${given}`);
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function invalid(name: string, reason: string): CatalogError {
  return new CatalogError('InvalidConfiguration', { option: optionLabel(name), reason });
}
