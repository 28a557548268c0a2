import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CatalogError } from '../catalog/index.js';

/** The secrets `longshore serve` generates at first start and keeps in its data directory. */
export interface DataDirSecrets {
  /** Encrypts account secrets at rest (accounts/secret-box.ts). */
  masterKey: Buffer;
  /** Signs SIGNATURE files (DECISIONS §3). */
  signingKey: Buffer;
  /** Bearer token of the admin HTTP API. */
  adminToken: string;
}

export const ADMIN_TOKEN_FILE = 'admin-token';

/** Reads a secret file, or creates it (mode 0600) with `make()` if it does not exist yet. */
async function readOrCreate(path: string, make: () => string): Promise<string> {
  try {
    await writeFile(path, make() + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = (await readFile(path, 'utf8')).trim();
  if (text === '') throw new Error(`${path} is empty; restore it from a backup (it cannot be regenerated)`);
  return text;
}

function decodeKey(path: string, text: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${path} must hold 32 base64-encoded bytes`);
  return key;
}

/** Creates the data directory (0700) and its secrets on first start; reads them afterwards. */
export async function prepareDataDir(dataDir: string): Promise<DataDirSecrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const newKey = () => randomBytes(32).toString('base64');
  const masterPath = join(dataDir, 'master.key');
  const signingPath = join(dataDir, 'signing.key');
  return {
    masterKey: decodeKey(masterPath, await readOrCreate(masterPath, newKey)),
    signingKey: decodeKey(signingPath, await readOrCreate(signingPath, newKey)),
    adminToken: await readOrCreate(join(dataDir, ADMIN_TOKEN_FILE), () => randomBytes(24).toString('hex')),
  };
}

/** Reads the admin token of a local data directory, for admin commands on the same host. */
export async function readAdminToken(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(join(dataDir, ADMIN_TOKEN_FILE), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/serve.pid` so two servers never share one embedded database.
 * A stale file left by a crashed process is taken over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'serve.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new CatalogError('InvalidConfiguration', {
          option: '--data-dir (LONGSHORE_DATA_DIR)',
          reason: `another longshore serve (pid ${pid}) is already using ${dataDir}`,
        });
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
