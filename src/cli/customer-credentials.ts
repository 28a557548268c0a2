import { CatalogError } from '../catalog/index.js';
import type { ConfigOf } from '../config/index.js';
import type { SigningCredentials } from './importexport-client.js';

/** The resolved configuration of the customer commands. */
export type CustomerConfig = ConfigOf['customer'];

/** Who signs, and for which region. */
export interface SigningIdentity {
  credentials: SigningCredentials;
  region: string;
  /** Where the keys came from, e.g. `environment` or `profile "ops"`. */
  source: string;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_PROFILE = 'default';

/**
 * The credentials and signing region, found where the AWS CLI finds them:
 * 1. `--profile NAME`: that profile of the shared credentials/config files (it wins over the
 *    environment's keys, as in the AWS CLI);
 * 2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 * 3. the profile named by AWS_PROFILE, else `default`.
 * The files are AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, else ~/.aws/credentials and
 * ~/.aws/config; the SDK's `fromIni` reads them (so credential_process, SSO and role profiles work).
 * Region: --signing-region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, us-east-1.
 */
export async function resolveSigningIdentity(config: CustomerConfig): Promise<SigningIdentity> {
  const { aws } = config;
  const profile = config.profile ?? aws.profile ?? DEFAULT_PROFILE;
  const region =
    config.signingRegion ?? aws.region ?? (await profileRegion(config, profile)) ?? DEFAULT_REGION;

  if (config.profile === undefined && (aws.accessKeyId !== undefined || aws.secretAccessKey !== undefined)) {
    if (aws.accessKeyId === undefined) throw partialKeys('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY');
    if (aws.secretAccessKey === undefined) throw partialKeys('AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID');
    const credentials: SigningCredentials = {
      accessKeyId: aws.accessKeyId,
      secretAccessKey: aws.secretAccessKey,
    };
    if (aws.sessionToken !== undefined) credentials.sessionToken = aws.sessionToken;
    return { credentials, region, source: 'environment' };
  }

  const { fromIni } = await import('@aws-sdk/credential-providers');
  try {
    const identity = await fromIni({ profile, ...sharedFiles(config), ignoreCache: true })();
    const credentials: SigningCredentials = {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    };
    if (identity.sessionToken) credentials.sessionToken = identity.sessionToken;
    return { credentials, region, source: `profile "${profile}"` };
  } catch (err) {
    throw noCredentials(config, profile, err);
  }
}

function sharedFiles(config: CustomerConfig): { filepath?: string; configFilepath?: string } {
  const files: { filepath?: string; configFilepath?: string } = {};
  if (config.aws.sharedCredentialsFile !== undefined) files.filepath = config.aws.sharedCredentialsFile;
  if (config.aws.configFile !== undefined) files.configFilepath = config.aws.configFile;
  return files;
}

/** The `region` of the profile in the config file (or the credentials file), if any. */
async function profileRegion(config: CustomerConfig, profile: string): Promise<string | undefined> {
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config');
    const files = await loadSharedConfigFiles({ ...sharedFiles(config), ignoreCache: true });
    const region = files.configFile[profile]?.region ?? files.credentialsFile[profile]?.region;
    return region?.trim() || undefined;
  } catch {
    return undefined;
  }
}

function filesLabel(config: CustomerConfig): string {
  const credentials = config.aws.sharedCredentialsFile ?? '~/.aws/credentials';
  const configFile = config.aws.configFile ?? '~/.aws/config';
  return `${credentials} or ${configFile}`;
}

function partialKeys(missing: string, given: string): CatalogError {
  return new CatalogError('InvalidConfiguration', {
    option: missing,
    reason: `it is not set but ${given} is; set both, or neither and use a profile`,
  });
}

/**
 * No usable credentials. A profile the user named (--profile, AWS_PROFILE) that cannot be used is
 * InvalidConfiguration naming it; finding nothing at all is MissingAuthenticationToken, the code
 * the server would give an unsigned request.
 */
function noCredentials(config: CustomerConfig, profile: string, err: unknown): CatalogError {
  const why = err instanceof Error ? err.message : String(err);
  if (config.profile !== undefined || config.aws.profile !== undefined) {
    const option = config.profile !== undefined ? '--profile (LONGSHORE_PROFILE)' : 'AWS_PROFILE';
    return new CatalogError('InvalidConfiguration', {
      option,
      reason: `the profile "${profile}" gives no usable credentials in ${filesLabel(config)} (${why.replace(/\.$/, '')})`,
    });
  }
  return new CatalogError(
    'MissingAuthenticationToken',
    {},
    {
      reason: `no credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile NAME for a profile in ${filesLabel(config)}`,
    },
  );
}
