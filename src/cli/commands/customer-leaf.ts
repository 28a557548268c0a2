import type { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import { addConfigOptions } from '../config-options.js';
import { resolveSigningIdentity, type CustomerConfig } from '../customer-credentials.js';
import { ImportExportClient } from '../importexport-client.js';
import type { CliIo } from '../io.js';

/** What a customer command's action gets. */
export interface CustomerContext {
  config: CustomerConfig;
  /**
   * The signed API client. Credentials are looked up on the first call, so an action checks its
   * own inputs first and a bad input never costs a credential lookup or a request.
   */
  client(): Promise<ImportExportClient>;
}

/**
 * Declares a customer command's shared flags (endpoint-url, profile, signing-region, json) and
 * returns a runner that resolves them (InvalidConfiguration) before `run`.
 */
export function customerLeaf(
  cmd: Command,
  io: CliIo,
): (flags: Record<string, unknown>, run: (ctx: CustomerContext) => Promise<void>) => Promise<void> {
  addConfigOptions(cmd, 'customer');
  return async (flags, run) => {
    const config = resolveConfig('customer', flags, io.env, io.cwd);
    let client: Promise<ImportExportClient> | undefined;
    const connect = async (): Promise<ImportExportClient> => {
      const { credentials, region } = await resolveSigningIdentity(config);
      return new ImportExportClient({ endpoint: config.endpoint, region, credentials });
    };
    await run({ config, client: () => (client ??= connect()) });
  };
}
