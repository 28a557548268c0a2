import { describe, expectTypeOf, it } from 'vitest';
import type { AdminClientConfig, OptionValue, ServeConfig } from '../../../src/config/index.js';

// Checked by `tsc --noEmit`: the schema's parsers and defaults give each option its type.
describe('option value types', () => {
  it('options with a default are never undefined; options without one may be', () => {
    expectTypeOf<OptionValue<'port'>>().toEqualTypeOf<number>();
    expectTypeOf<OptionValue<'data-dir'>>().toEqualTypeOf<string>();
    expectTypeOf<OptionValue<'json'>>().toEqualTypeOf<boolean>();
    expectTypeOf<OptionValue<'database-url'>>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OptionValue<'admin-token'>>().toEqualTypeOf<string | undefined>();
  });

  it('the typed configs', () => {
    expectTypeOf<ServeConfig['s3']>().toEqualTypeOf<
      { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string } | undefined
    >();
    expectTypeOf<AdminClientConfig['adminToken']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ServeConfig['stationAddress']>().toEqualTypeOf<string[]>();
    expectTypeOf<ServeConfig['labelUrlTtl']>().toEqualTypeOf<number>();
  });
});
