import { X509Certificate } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';
import { CatalogError } from '../catalog/index.js';
import { optionLabel } from '../config/index.js';

/** The STARTTLS certificate and key of the SMTP listener, PEM. */
export interface SmtpTlsMaterial {
  cert: string;
  key: string;
  /** The certificate's file, and whether it was configured or self-signed in the data directory. */
  certFile: string;
  selfSigned: boolean;
}

export const SELF_SIGNED_CERT = 'smtp-cert.pem';
export const SELF_SIGNED_KEY = 'smtp-key.pem';

const DAY_MS = 86_400_000;
const VALID_DAYS = 5 * 365;

async function readConfigured(option: 'smtp-tls-cert' | 'smtp-tls-key', file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}): ${file}`;
    throw new CatalogError('InvalidConfiguration', { option: optionLabel(option), reason });
  }
}

/** True when `pem` is a certificate valid for at least one more day. */
function stillValid(pem: string, now: Date): boolean {
  try {
    return new Date(new X509Certificate(pem).validTo).getTime() > now.getTime() + DAY_MS;
  } catch {
    return false;
  }
}

/** Writes `text` readable by the owner only, whole or not at all. */
async function writePrivate(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path).catch(async (err: unknown) => {
    await rm(temp, { force: true });
    throw err;
  });
}

async function selfSigned(dataDir: string, hostname: string, now: Date): Promise<SmtpTlsMaterial> {
  const certFile = join(dataDir, SELF_SIGNED_CERT);
  const keyFile = join(dataDir, SELF_SIGNED_KEY);
  const [cert, key] = await Promise.all([
    readFile(certFile, 'utf8').catch(() => ''),
    readFile(keyFile, 'utf8').catch(() => ''),
  ]);
  if (cert !== '' && key !== '' && stillValid(cert, now)) return { cert, key, certFile, selfSigned: true };
  const generated = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // the key first: a crash in between leaves a certificate without its key, which is regenerated
  await writePrivate(keyFile, generated.private);
  await writePrivate(certFile, generated.cert);
  return { cert: generated.cert, key: generated.private, certFile, selfSigned: true };
}

/**
 * The listener's certificate: the configured files (`--smtp-tls-cert`, `--smtp-tls-key`), checked to
 * belong together, or a self-signed one for `hostname` kept in the data directory (generated at the
 * first start, and again when it is about to expire; files readable by the owner only).
 * InvalidConfiguration when a configured file cannot be read or the pair does not match.
 */
export async function loadSmtpTls(opts: {
  dataDir: string;
  configured?: { certFile: string; keyFile: string } | undefined;
  hostname: string;
  now?: Date;
}): Promise<SmtpTlsMaterial> {
  const now = opts.now ?? new Date();
  if (opts.configured === undefined) return selfSigned(opts.dataDir, opts.hostname, now);
  const cert = await readConfigured('smtp-tls-cert', opts.configured.certFile);
  const key = await readConfigured('smtp-tls-key', opts.configured.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const reason = `and --smtp-tls-key must be a PEM certificate and its private key (${(err as Error).message})`;
    throw new CatalogError('InvalidConfiguration', { option: optionLabel('smtp-tls-cert'), reason });
  }
  return { cert, key, certFile: opts.configured.certFile, selfSigned: false };
}
