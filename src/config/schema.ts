import {
  InvalidValue,
  parseBoolean,
  parseCountryCode,
  parseEmailAddress,
  parseHost,
  parseKey,
  parsePort,
  parsePositiveInteger,
  parseRegion,
  parseStationName,
  parseText,
  parseFileSystemList,
  parseTimeZone,
  parseToken,
  parseWordList,
  urlParser,
  type Parser,
  type StationFileSystem,
} from './parsers.js';

/** Most lines, and characters per line, of `--station-address`: what fits on a 4x6 inch label. */
const MAX_ADDRESS_LINES = 6;
const MAX_ADDRESS_LINE_LENGTH = 60;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Postal address lines separated by `|`: 2-6 lines of 1-60 characters, returned trimmed as `a|b|c`. */
function parseAddressLines(raw: string): string {
  const lines = raw.split('|').map((line) => line.trim());
  const rule = `must be 2 to ${MAX_ADDRESS_LINES} lines of 1 to ${MAX_ADDRESS_LINE_LENGTH} characters, separated by |`;
  if (lines.length < 2 || lines.length > MAX_ADDRESS_LINES) throw new InvalidValue(rule);
  const bad = (line: string) => line === '' || line.length > MAX_ADDRESS_LINE_LENGTH || CONTROL.test(line);
  if (lines.some(bad)) throw new InvalidValue(rule);
  return lines.join('|');
}

/** The command groups that read configuration. */
export type CommandName = 'serve' | 'admin' | 'station' | 'codes' | 'customer';

/** One option, declared once: its flag is `--<name>`, its variable `LONGSHORE_<NAME>`. */
export interface OptionSpec<T> {
  /** `value` options take an argument (shown as `--name <VALUE>`); `switch` options take none. */
  readonly kind: 'value' | 'switch';
  /** The argument's placeholder in help, e.g. DIR or URL ('' for switches). */
  readonly valueName: string;
  readonly parse: Parser<T>;
  readonly default?: T;
  readonly help: string;
  readonly commands: readonly CommandName[];
  /** Secret values are never repeated in error messages. */
  readonly secret?: boolean;
  /** The environment variable, when it is not `LONGSHORE_<NAME>` (DECISIONS §8: LONGSHORE_ENDPOINT). */
  readonly env?: string;
}

function value<T>(
  spec: Omit<OptionSpec<T>, 'kind' | 'default'> & { default: T },
): OptionSpec<T> & { default: T };
function value<T>(spec: Omit<OptionSpec<T>, 'kind' | 'default'>): OptionSpec<T>;
function value<T>(spec: Omit<OptionSpec<T>, 'kind'>): OptionSpec<T> {
  return { kind: 'value', ...spec };
}

function flag(help: string, commands: readonly CommandName[]): OptionSpec<boolean> & { default: boolean } {
  return { kind: 'switch', valueName: '', parse: parseBoolean, default: false, help, commands };
}

const SERVE: CommandName[] = ['serve'];
const CLIENTS: CommandName[] = ['admin', 'station'];
/** The customer commands: create-job, get-status, list-jobs, update-job, cancel-job, get-shipping-label. */
const CUSTOMER: CommandName[] = ['customer'];

/**
 * Every configuration option of Longshore (DECISIONS §8), keyed by its flag name. The CLI builds its
 * flags and help from this table; `resolveConfig` reads it with the precedence flag > env > default.
 */
export const OPTIONS = {
  'data-dir': value({
    valueName: 'DIR',
    parse: parseText,
    default: './.longshore',
    help: 'data directory: embedded database, bucket store, outbox, admin token',
    commands: ['serve', 'admin', 'station'],
  }),
  host: value({
    valueName: 'HOST',
    parse: parseHost,
    default: '127.0.0.1',
    help: 'address to listen on',
    commands: SERVE,
  }),
  port: value({
    valueName: 'PORT',
    parse: parsePort,
    default: 8080,
    help: 'HTTP port (API, admin API, dashboard)',
    commands: SERVE,
  }),
  'smtp-port': value({
    valueName: 'PORT',
    parse: parsePort,
    default: 2525,
    help: 'SMTP port of the e-mail command interface',
    commands: SERVE,
  }),
  'database-url': value({
    valueName: 'URL',
    parse: urlParser(['postgres', 'postgresql']),
    help: 'PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DB); without it, the embedded database in the data directory',
    commands: SERVE,
    secret: true,
  }),
  's3-endpoint': value({
    valueName: 'URL',
    parse: urlParser(['http', 'https'], { baseUrl: true }),
    help: 'S3-compatible storage target (path-style); needs --s3-access-key-id and --s3-secret-access-key; without it, the embedded bucket store',
    commands: ['serve', 'station'],
  }),
  's3-access-key-id': value({
    valueName: 'ID',
    parse: parseKey,
    help: "the service's own access key ID for --s3-endpoint",
    commands: ['serve', 'station'],
  }),
  's3-secret-access-key': value({
    valueName: 'KEY',
    parse: parseKey,
    help: "the service's own secret access key for --s3-endpoint",
    commands: ['serve', 'station'],
    secret: true,
  }),
  's3-region': value({
    valueName: 'REGION',
    parse: parseRegion,
    default: 'us-east-1',
    help: 'signing region for --s3-endpoint',
    commands: ['serve', 'station'],
  }),
  'smtp-relay': value({
    valueName: 'URL',
    parse: urlParser(['smtp', 'smtps']),
    help: 'relay for outgoing mail (smtp://HOST:PORT or smtps://HOST:PORT); without it, mail goes to the outbox folder',
    commands: SERVE,
  }),
  'mail-address': value({
    valueName: 'ADDR',
    parse: parseEmailAddress,
    default: 'importexport@localhost',
    help: 'the service address that receives commands and sends replies',
    commands: SERVE,
  }),
  'smtp-tls-cert': value({
    valueName: 'FILE',
    parse: parseText,
    help: 'PEM certificate (chain) for STARTTLS on the SMTP port; needs --smtp-tls-key; without both, a self-signed one generated in the data directory',
    commands: SERVE,
  }),
  'smtp-tls-key': value({
    valueName: 'FILE',
    parse: parseText,
    help: 'PEM private key of --smtp-tls-cert',
    commands: SERVE,
  }),
  'smtp-require-auth': value({
    valueName: 'BOOL',
    parse: parseBoolean,
    default: true,
    help: "require SMTP AUTH (PLAIN or LOGIN, with an account's access key ID and secret) before a command mail is accepted: true or false",
    commands: SERVE,
  }),
  'smtp-max-message-size': value({
    valueName: 'BYTES',
    parse: parsePositiveInteger,
    default: 10485760,
    help: 'largest command mail accepted; a larger one is refused with SMTP 552',
    commands: SERVE,
  }),
  'smtp-rate-limit': value({
    valueName: 'COUNT',
    parse: parsePositiveInteger,
    default: 30,
    help: 'command mails accepted per sender (authenticated key, else envelope sender) per minute; more are deferred with SMTP 450',
    commands: SERVE,
  }),
  'outbox-retry-max-seconds': value({
    valueName: 'SECONDS',
    parse: parsePositiveInteger,
    default: 600,
    help: 'longest wait between two delivery attempts of an outgoing mail while the relay is unreachable',
    commands: SERVE,
  }),
  region: value({
    valueName: 'REGION',
    parse: parseRegion,
    default: 'us-east-1',
    help: 'region recorded for new buckets',
    commands: SERVE,
  }),
  'job-expiry-days': value({
    valueName: 'DAYS',
    parse: parsePositiveInteger,
    default: 30,
    help: 'days a job may wait for its device before it expires',
    commands: SERVE,
  }),
  'expired-retention-days': value({
    valueName: 'DAYS',
    parse: parsePositiveInteger,
    default: 30,
    help: 'days an expired job still answers GetStatus before ExpiredJobIdException',
    commands: SERVE,
  }),
  'expiry-check-interval': value({
    valueName: 'SECONDS',
    parse: parsePositiveInteger,
    default: 3600,
    help: 'seconds between two runs of the expiry check',
    commands: SERVE,
  }),
  'create-job-quota': value({
    valueName: 'COUNT',
    parse: parsePositiveInteger,
    default: 50,
    help: 'CreateJob calls allowed per account per UTC day',
    commands: SERVE,
  }),
  'station-name': value({
    valueName: 'NAME',
    parse: parseStationName,
    default: 'station-1',
    help: 'name of the loading station (recorded in job history)',
    commands: ['serve', 'station'],
  }),
  'station-country': value({
    valueName: 'CC',
    parse: parseCountryCode,
    default: 'US',
    help: "the station's country (two-letter code)",
    commands: ['serve', 'station'],
  }),
  'accepted-connectors': value({
    valueName: 'LIST',
    parse: parseWordList,
    default: ['usb2', 'usb3', 'esata', 'sata'],
    help: 'connectors the station accepts (others: UnsupportedDeviceType)',
    commands: ['serve', 'station'],
  }),
  'accepted-power-supplies': value({
    valueName: 'LIST',
    parse: parseWordList,
    default: ['120V-60Hz'],
    help: 'power supplies the station accepts (others: UnsupportedPowerSupply)',
    commands: ['serve', 'station'],
  }),
  'accepted-file-systems': value({
    valueName: 'LIST',
    parse: parseFileSystemList,
    default: ['FAT32', 'ext2', 'ext3', 'NTFS'] as StationFileSystem[],
    help: 'file systems the station loads, from FAT32, ext2, ext3, ext4, NTFS (others: UnsupportedFileFormat)',
    commands: ['serve', 'station'],
  }),
  'auto-load': flag(
    'after a device passes intake, load it at once (station receive goes on with station load)',
    ['serve', 'station'],
  ),
  'fat-time-zone': value({
    valueName: 'ZONE',
    parse: parseTimeZone,
    default: 'UTC',
    help: 'IANA time zone FAT timestamps are read in (FAT stores local time without a zone)',
    commands: ['serve', 'station'],
  }),
  'station-address': value({
    valueName: 'LINES',
    parse: parseAddressLines,
    default: 'Longshore loading station|1 Dock Road|Springfield, OR 97477|USA',
    help: "the station's postal address printed on shipping labels, lines separated by |",
    commands: SERVE,
  }),
  'label-url-ttl': value({
    valueName: 'SECONDS',
    parse: parsePositiveInteger,
    default: 604800,
    help: 'seconds a shipping label link stays valid',
    commands: SERVE,
  }),
  server: value({
    valueName: 'URL',
    parse: urlParser(['http', 'https'], { baseUrl: true }),
    default: 'http://127.0.0.1:8080',
    help: 'URL of the Longshore server',
    commands: CLIENTS,
  }),
  'admin-token': value({
    valueName: 'TOKEN',
    parse: parseToken,
    help: 'admin API token; by default read from <data-dir>/admin-token (written by serve)',
    commands: CLIENTS,
    secret: true,
  }),
  'endpoint-url': value({
    valueName: 'URL',
    parse: urlParser(['http', 'https'], { baseUrl: true }),
    default: 'http://127.0.0.1:8080',
    help: 'URL of the Import/Export API that customer commands call',
    commands: CUSTOMER,
    env: 'LONGSHORE_ENDPOINT',
  }),
  profile: value({
    valueName: 'NAME',
    parse: parseKey,
    help: 'sign with this profile of the AWS shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE); without it: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else the profile in AWS_PROFILE, else the default profile',
    commands: CUSTOMER,
  }),
  'signing-region': value({
    valueName: 'REGION',
    parse: parseRegion,
    help: "SigV4 signing region; without it AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1",
    commands: CUSTOMER,
  }),
  json: flag('print one JSON object (results on stdout, errors on stderr)', [
    'serve',
    'admin',
    'station',
    'codes',
    'customer',
  ]),
} as const;

/** The flag name of an option, e.g. `data-dir`. */
export type OptionName = keyof typeof OPTIONS;

/** The value an option resolves to: its parser's type, or `undefined` too when it has no default. */
export type OptionValue<K extends OptionName> = (typeof OPTIONS)[K] extends OptionSpec<infer T> & {
  default: unknown;
}
  ? T
  : OptionValueOrUndefined<K>;
type OptionValueOrUndefined<K extends OptionName> =
  (typeof OPTIONS)[K] extends OptionSpec<infer T> ? T | undefined : never;

/**
 * The environment variable of an option: `LONGSHORE_` + the name in upper snake case, unless the
 * option declares its own (`endpoint-url` is LONGSHORE_ENDPOINT).
 */
export function envVarOf(name: string): string {
  const declared = (OPTIONS as Record<string, OptionSpec<unknown> | undefined>)[name]?.env;
  return declared ?? `LONGSHORE_${name.replace(/-/g, '_').toUpperCase()}`;
}

/** The property name commander uses for an option's flag: `s3-access-key-id` -> `s3AccessKeyId`. */
export function flagKeyOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** How an option is named in operator messages: `--port (LONGSHORE_PORT)`. */
export function optionLabel(name: string): string {
  return `--${name} (${envVarOf(name)})`;
}

/** The names of the options one command reads, in declaration order. */
export function optionNamesFor(command: CommandName): OptionName[] {
  return (Object.keys(OPTIONS) as OptionName[]).filter((name) =>
    (OPTIONS[name] as OptionSpec<unknown>).commands.includes(command),
  );
}
