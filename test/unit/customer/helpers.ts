import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../cli/capture-io.js';
import { ACCESS_KEY, MANIFEST, SECRET_KEY } from './golden.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary working directory holding `manifest.yaml`. */
export async function workDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'longshore-customer-'));
  await writeFile(join(dir, 'manifest.yaml'), MANIFEST);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a customer's shell: the endpoint, the keys, and shared credential/config
 * files inside `dir` (absent unless a test writes them), so nothing is read from the real ~/.aws.
 */
export function customerEnv(endpoint: string, dir: string, extra: Record<string, string | undefined> = {}) {
  const env: Record<string, string | undefined> = {
    LONGSHORE_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Runs `longshore ...args` in-process with `env` and `cwd`. */
export async function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  const io = captureIo(env, cwd);
  const code = await main(['node', 'longshore', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
