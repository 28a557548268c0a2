import { describe, expect, expectTypeOf, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import {
  envVarOf,
  optionNamesFor,
  resolveConfig,
  type ConfigOf,
  type OptionValue,
} from '../../../src/config/index.js';

const CWD = '/home/customer';

describe('the customer options', () => {
  it('are endpoint-url (LONGSHORE_ENDPOINT), profile, signing-region and json', () => {
    expect(optionNamesFor('customer')).toEqual(['endpoint-url', 'profile', 'signing-region', 'json']);
    expect(envVarOf('endpoint-url')).toBe('LONGSHORE_ENDPOINT');
    expect(envVarOf('profile')).toBe('LONGSHORE_PROFILE');
    expect(envVarOf('signing-region')).toBe('LONGSHORE_SIGNING_REGION');
    expectTypeOf<OptionValue<'endpoint-url'>>().toEqualTypeOf<string>();
    expectTypeOf<OptionValue<'profile'>>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ConfigOf['customer']['signingRegion']>().toEqualTypeOf<string | undefined>();
  });

  it('default to the local server and nothing else', () => {
    expect(resolveConfig('customer', {}, {}, CWD)).toEqual({
      endpoint: 'http://127.0.0.1:8080',
      profile: undefined,
      signingRegion: undefined,
      aws: {},
      json: false,
    });
  });

  it('read LONGSHORE_ENDPOINT (not LONGSHORE_ENDPOINT_URL); the flag wins', () => {
    const env = { LONGSHORE_ENDPOINT: 'https://ie.example.com/', LONGSHORE_ENDPOINT_URL: 'http://wrong:1' };
    expect(resolveConfig('customer', {}, env, CWD).endpoint).toBe('https://ie.example.com');
    expect(resolveConfig('customer', { endpointUrl: 'http://10.0.0.5:8080' }, env, CWD).endpoint).toBe(
      'http://10.0.0.5:8080',
    );
    expect(resolveConfig('customer', {}, { LONGSHORE_ENDPOINT_URL: 'http://wrong:1' }, CWD).endpoint).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it("pass the AWS CLI's variables through (empty ones count as unset)", () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: ' secret ',
      AWS_SESSION_TOKEN: '',
      AWS_DEFAULT_PROFILE: 'legacy',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_SHARED_CREDENTIALS_FILE: '/tmp/creds',
      AWS_CONFIG_FILE: '/tmp/config',
      LONGSHORE_PROFILE: 'ops',
      LONGSHORE_JSON: 'yes',
    };
    expect(resolveConfig('customer', {}, env, CWD)).toEqual({
      endpoint: 'http://127.0.0.1:8080',
      profile: 'ops',
      signingRegion: undefined,
      aws: {
        accessKeyId: 'AKID',
        secretAccessKey: 'secret',
        profile: 'legacy',
        region: 'eu-west-1',
        sharedCredentialsFile: '/tmp/creds',
        configFile: '/tmp/config',
      },
      json: true,
    });
    const newer = {
      AWS_PROFILE: 'new',
      AWS_DEFAULT_PROFILE: 'legacy',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'x',
    };
    expect(resolveConfig('customer', {}, newer, CWD).aws).toEqual({ profile: 'new', region: 'us-west-2' });
  });

  it.each([
    ['endpointUrl', 'ftp://x', '--endpoint-url (LONGSHORE_ENDPOINT)'],
    ['endpointUrl', 'http://x/?q=1', '--endpoint-url (LONGSHORE_ENDPOINT)'],
    ['signingRegion', 'US East', '--signing-region (LONGSHORE_SIGNING_REGION)'],
    ['profile', 'two words', '--profile (LONGSHORE_PROFILE)'],
  ])('refuses %s %j with InvalidConfiguration naming %s', (flag, value, option) => {
    try {
      resolveConfig('customer', { [flag]: value }, {}, CWD);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogError);
      expect((err as CatalogError).params.option).toBe(option);
    }
  });
});
