import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { OPTIONS, envVarOf, flagKeyOf, resolveConfig, type OptionName } from '../../../src/config/index.js';

const CWD = '/srv/longshore';

function configError(run: () => unknown): CatalogError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).code).toBe('InvalidConfiguration');
    return err as CatalogError;
  }
  throw new Error('no error thrown');
}

const S3 = {
  LONGSHORE_S3_ENDPOINT: 'http://127.0.0.1:9000',
  LONGSHORE_S3_ACCESS_KEY_ID: 'minioadmin',
  LONGSHORE_S3_SECRET_ACCESS_KEY: 'minioadmin-secret',
};

describe('the option schema', () => {
  it('names every variable LONGSHORE_ + upper snake case of the flag', () => {
    expect(envVarOf('data-dir')).toBe('LONGSHORE_DATA_DIR');
    expect(envVarOf('s3-secret-access-key')).toBe('LONGSHORE_S3_SECRET_ACCESS_KEY');
    expect(flagKeyOf('s3-access-key-id')).toBe('s3AccessKeyId');
  });

  it('declares the options of DECISIONS §8 and the brief', () => {
    expect(Object.keys(OPTIONS)).toEqual(
      expect.arrayContaining([
        'data-dir',
        'host',
        'port',
        'smtp-port',
        'database-url',
        's3-endpoint',
        's3-access-key-id',
        's3-secret-access-key',
        's3-region',
        'smtp-relay',
        'mail-address',
        'region',
        'job-expiry-days',
        'expired-retention-days',
        'expiry-check-interval',
        'create-job-quota',
        'station-name',
        'station-country',
        'station-address',
        'label-url-ttl',
        'server',
        'admin-token',
        'json',
      ]),
    );
  });
});

describe('resolveConfig serve', () => {
  it('uses the defaults', () => {
    expect(resolveConfig('serve', {}, {}, CWD)).toEqual({
      dataDir: '/srv/longshore/.longshore',
      host: '127.0.0.1',
      port: 8080,
      smtpPort: 2525,
      databaseUrl: undefined,
      s3: undefined,
      smtpRelay: undefined,
      mailAddress: 'importexport@localhost',
      smtpTls: undefined,
      smtpRequireAuth: true,
      smtpMaxMessageSize: 10485760,
      smtpRateLimit: 30,
      outboxRetryMaxSeconds: 600,
      region: 'us-east-1',
      jobExpiryDays: 30,
      expiredRetentionDays: 30,
      expiryCheckInterval: 3600,
      createJobQuota: 50,
      stationName: 'station-1',
      stationCountry: 'US',
      stationAddress: ['Longshore loading station', '1 Dock Road', 'Springfield, OR 97477', 'USA'],
      labelUrlTtl: 604800,
      json: false,
    });
  });

  it('takes a flag over the environment over the default', () => {
    const env = { LONGSHORE_PORT: '9000', LONGSHORE_SMTP_PORT: '2600' };
    const config = resolveConfig('serve', { port: '9100' }, env, CWD);
    expect(config.port).toBe(9100);
    expect(config.smtpPort).toBe(2600);
    expect(config.jobExpiryDays).toBe(30);
  });

  it('treats an empty variable as unset and trims values', () => {
    const config = resolveConfig('serve', {}, { LONGSHORE_PORT: '', LONGSHORE_SMTP_PORT: ' 2600\n' }, CWD);
    expect(config.port).toBe(8080);
    expect(config.smtpPort).toBe(2600);
  });

  it('reads every serve option from the environment', () => {
    const env = {
      ...S3,
      LONGSHORE_DATA_DIR: '/var/lib/longshore',
      LONGSHORE_HOST: '0.0.0.0',
      LONGSHORE_DATABASE_URL: 'postgres://u:p@db/longshore',
      LONGSHORE_S3_REGION: 'eu-west-1',
      LONGSHORE_SMTP_RELAY: 'smtp://relay:25',
      LONGSHORE_MAIL_ADDRESS: 'ie@example.com',
      LONGSHORE_REGION: 'eu-central-1',
      LONGSHORE_JOB_EXPIRY_DAYS: '10',
      LONGSHORE_EXPIRED_RETENTION_DAYS: '5',
      LONGSHORE_EXPIRY_CHECK_INTERVAL: '60',
      LONGSHORE_CREATE_JOB_QUOTA: '3',
      LONGSHORE_STATION_NAME: 'dock-2',
      LONGSHORE_STATION_COUNTRY: 'de',
      LONGSHORE_STATION_ADDRESS: ' Dock 7 | Hafenstr. 1 |20457 Hamburg|Germany ',
      LONGSHORE_LABEL_URL_TTL: '3600',
      LONGSHORE_JSON: 'yes',
    };
    expect(resolveConfig('serve', {}, env, CWD)).toMatchObject({
      dataDir: '/var/lib/longshore',
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db/longshore',
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        accessKeyId: 'minioadmin',
        secretAccessKey: 'minioadmin-secret',
        region: 'eu-west-1',
      },
      smtpRelay: 'smtp://relay:25',
      mailAddress: 'ie@example.com',
      region: 'eu-central-1',
      jobExpiryDays: 10,
      expiredRetentionDays: 5,
      expiryCheckInterval: 60,
      createJobQuota: 3,
      stationName: 'dock-2',
      stationCountry: 'DE',
      stationAddress: ['Dock 7', 'Hafenstr. 1', '20457 Hamburg', 'Germany'],
      labelUrlTtl: 3600,
      json: true,
    });
  });

  it('makes the data directory absolute against the working directory', () => {
    expect(resolveConfig('serve', { dataDir: 'data/../state' }, {}, CWD).dataDir).toBe(
      '/srv/longshore/state',
    );
    expect(resolveConfig('serve', { dataDir: '/abs/dir/' }, {}, CWD).dataDir).toBe('/abs/dir');
  });

  it('takes switches as booleans from commander', () => {
    expect(resolveConfig('serve', { json: true }, { LONGSHORE_JSON: 'false' }, CWD).json).toBe(true);
  });
});

describe('invalid options', () => {
  it('names the option, its variable, the rule and the value', () => {
    const err = configError(() => resolveConfig('serve', { port: 'abc' }, {}, CWD));
    expect(err.params).toEqual({
      option: '--port (LONGSHORE_PORT)',
      reason: 'must be an integer from 1 to 65535, got "abc"',
    });
    expect(err.message).toBe(
      'The option --port (LONGSHORE_PORT) is not valid: must be an integer from 1 to 65535, got "abc".',
    );
  });

  it.each<[OptionName, string, RegExp]>([
    ['port', '70000', /1 to 65535/],
    ['smtp-port', '0', /1 to 65535/],
    ['host', 'http://x', /host name or an IP address/],
    ['database-url', 'mysql://db', /postgres:\/\/ or postgresql:\/\//],
    ['s3-endpoint', 's3.example.com', /http:\/\/ or https:\/\//],
    ['s3-region', 'Not A Region', /region name/],
    ['smtp-relay', 'relay:25', /smtp:\/\/ or smtps:\/\//],
    ['mail-address', 'nobody', /e-mail address/],
    ['region', 'EU', /region name/],
    ['job-expiry-days', '0', /whole number of 1 or more/],
    ['expired-retention-days', '-1', /whole number of 1 or more/],
    ['expiry-check-interval', '1.5', /whole number of 1 or more/],
    ['create-job-quota', 'lots', /whole number of 1 or more/],
    ['station-name', '!', /letters, digits/],
    ['station-country', 'USA', /two-letter country code/],
    ['station-address', 'one line only', /2 to 6 lines/],
    ['station-address', 'a||c', /2 to 6 lines/],
    ['station-address', `a|${'x'.repeat(61)}`, /1 to 60 characters/],
    ['station-address', 'a|b|c|d|e|f|g', /2 to 6 lines/],
    ['label-url-ttl', '0', /whole number of 1 or more/],
    ['json', 'perhaps', /true, yes, on/],
    ['data-dir', ' ', /must not be empty/],
  ])('--%s %j', (name, value, rule) => {
    for (const source of ['flag', 'env'] as const) {
      const flags = source === 'flag' ? { [flagKeyOf(name)]: value } : {};
      const env = source === 'env' ? { [envVarOf(name)]: value } : {};
      if (source === 'env' && value.trim() === '') continue; // an empty variable is unset
      const err = configError(() => resolveConfig('serve', flags, env, CWD));
      expect(err.params.option).toBe(`--${name} (${envVarOf(name)})`);
      expect(String(err.params.reason)).toMatch(rule);
    }
  });

  it('checks client options too', () => {
    const err = configError(() => resolveConfig('admin', {}, { LONGSHORE_SERVER: 'ftp://host' }, CWD));
    expect(err.params.option).toBe('--server (LONGSHORE_SERVER)');
    expect(configError(() => resolveConfig('admin', { adminToken: 'short' }, {}, CWD)).params.option).toBe(
      '--admin-token (LONGSHORE_ADMIN_TOKEN)',
    );
  });

  it('never repeats a secret value', () => {
    const err = configError(() =>
      resolveConfig('serve', {}, { LONGSHORE_DATABASE_URL: 'mysql://u:hunter2@db/x' }, CWD),
    );
    expect(err.message).not.toContain('hunter2');
    expect(err.params.reason).toMatch(/secret and not shown/);
    const token = configError(() => resolveConfig('admin', { adminToken: 'hunter2 pass' }, {}, CWD));
    expect(token.message).not.toContain('hunter2');
  });
});

describe('the S3 rule between options', () => {
  it('builds the target when the endpoint and both keys are set', () => {
    expect(resolveConfig('serve', { s3Endpoint: 'https://s3.example.com/' }, S3, CWD).s3).toEqual({
      endpoint: 'https://s3.example.com',
      accessKeyId: 'minioadmin',
      secretAccessKey: 'minioadmin-secret',
      region: 'us-east-1',
    });
  });

  it.each([
    ['LONGSHORE_S3_ACCESS_KEY_ID', '--s3-access-key-id (LONGSHORE_S3_ACCESS_KEY_ID)'],
    ['LONGSHORE_S3_SECRET_ACCESS_KEY', '--s3-secret-access-key (LONGSHORE_S3_SECRET_ACCESS_KEY)'],
  ])('an endpoint without %s is refused', (missing, option) => {
    const env: Record<string, string> = { ...S3 };
    delete env[missing];
    const err = configError(() => resolveConfig('serve', {}, env, CWD));
    expect(err.params).toEqual({ option, reason: 'is required when --s3-endpoint is set' });
  });

  it('keys without an endpoint are refused', () => {
    const err = configError(() => resolveConfig('serve', { s3AccessKeyId: 'AKIA' }, {}, CWD));
    expect(err.params.option).toBe('--s3-access-key-id (LONGSHORE_S3_ACCESS_KEY_ID)');
    expect(err.params.reason).toMatch(/only used with --s3-endpoint/);
  });
});

describe('resolveConfig for clients', () => {
  it('admin: server, token, data directory, json', () => {
    expect(resolveConfig('admin', {}, {}, CWD)).toEqual({
      server: 'http://127.0.0.1:8080',
      adminToken: undefined,
      dataDir: '/srv/longshore/.longshore',
      json: false,
    });
    const env = { LONGSHORE_SERVER: 'https://ie.example.com/', LONGSHORE_ADMIN_TOKEN: 'x'.repeat(32) };
    expect(resolveConfig('admin', { json: true }, env, CWD)).toMatchObject({
      server: 'https://ie.example.com',
      adminToken: 'x'.repeat(32),
      json: true,
    });
  });

  it('station: the admin settings plus the station identity', () => {
    expect(resolveConfig('station', { stationName: 'dock-9' }, {}, CWD)).toMatchObject({
      server: 'http://127.0.0.1:8080',
      stationName: 'dock-9',
      stationCountry: 'US',
    });
  });

  it('codes: only json', () => {
    expect(resolveConfig('codes', {}, { LONGSHORE_JSON: '1', LONGSHORE_PORT: 'ignored' }, CWD)).toEqual({
      json: true,
    });
  });

  it('ignores options the command does not read', () => {
    expect(() => resolveConfig('admin', {}, { LONGSHORE_PORT: 'abc' }, CWD)).not.toThrow();
  });
});
