import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, type StationClientConfig } from '../../config/index.js';
import { cleanupStaleMounts } from '../../devices/index.js';
import type { CliIo } from '../io.js';

type Flags = Record<string, unknown>;

/** Where the station keeps its own state: NTFS mount points and their registry. */
export function stationWorkDir(config: StationClientConfig): string {
  return join(config.dataDir, 'station');
}

/** Every station command starts here: its config, and no mount left behind by a crashed run. */
export async function stationContext(
  flags: Flags,
  io: CliIo,
): Promise<{ config: StationClientConfig; workDir: string }> {
  const config = resolveConfig('station', flags, io.env, io.cwd);
  const workDir = stationWorkDir(config);
  await fsp.mkdir(workDir, { recursive: true });
  for (const cleaned of await cleanupStaleMounts(workDir)) {
    io.stderr(`longshore station: cleaned up a mount left by an earlier run: ${cleaned}\n`);
  }
  return { config, workDir };
}
