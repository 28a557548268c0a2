import type { Command } from 'commander';
import { resolveConfig, type AdminClientConfig } from '../../config/index.js';
import { adminClientFor, type AdminClient } from '../admin-client.js';
import { addConfigOptions } from '../config-options.js';
import type { CliIo } from '../io.js';

/** What an admin command's action gets: a connected client and the resolved config. */
export interface AdminContext {
  client: AdminClient;
  config: AdminClientConfig;
}

/**
 * Declares an admin leaf command's shared flags (data-dir, server, admin-token, json) and returns
 * a runner that resolves them and builds the client before `run` (InvalidConfiguration, InvalidAdminToken).
 */
export function adminLeaf(
  cmd: Command,
  io: CliIo,
): (flags: Record<string, unknown>, run: (ctx: AdminContext) => Promise<void>) => Promise<void> {
  addConfigOptions(cmd, 'admin');
  return async (flags, run) => {
    const config = resolveConfig('admin', flags, io.env, io.cwd);
    await run({ client: await adminClientFor(config), config });
  };
}
