import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../../src/mail/rate-limit.js';
import { checkSmtpCredentials } from '../../../src/mail/smtp-auth.js';
import { loadSmtpTls, SELF_SIGNED_CERT, SELF_SIGNED_KEY } from '../../../src/mail/tls-certificate.js';

describe('SlidingWindowLimiter', () => {
  it('allows `limit` events per window and key, and more once old ones leave the window', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(2, 60_000, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    now = 59_999;
    expect(limiter.take('a')).toBe(false);
    now = 60_001;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
  });

  it('forgets the least recently used keys past maxKeys', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(1, 60_000, () => now, 2);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('b')).toBe(true);
    now = 1;
    expect(limiter.take('c')).toBe(true); // 'a' is forgotten
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('c')).toBe(false);
  });
});

describe('checkSmtpCredentials', () => {
  const lookup = async (key: string) => (key === 'LSIAKEY' ? 'the-secret' : null);

  it('returns the access key ID for its secret, null otherwise', async () => {
    expect(await checkSmtpCredentials(lookup, 'LSIAKEY', 'the-secret')).toBe('LSIAKEY');
    expect(await checkSmtpCredentials(lookup, ' LSIAKEY ', 'the-secret')).toBe('LSIAKEY');
    expect(await checkSmtpCredentials(lookup, 'LSIAKEY', 'the-secreT')).toBeNull();
    expect(await checkSmtpCredentials(lookup, 'LSIAKEY', '')).toBeNull();
    expect(await checkSmtpCredentials(lookup, 'OTHER', 'the-secret')).toBeNull();
    expect(await checkSmtpCredentials(lookup, '', '')).toBeNull();
  });
});

describe('loadSmtpTls', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'longshore-tls-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a self-signed certificate once, owner-only, and reuses it', async () => {
    const first = await loadSmtpTls({ dataDir: dir, hostname: 'mail.example.org' });
    expect(first).toMatchObject({ selfSigned: true, certFile: join(dir, SELF_SIGNED_CERT) });
    for (const name of [SELF_SIGNED_CERT, SELF_SIGNED_KEY]) {
      expect((await stat(join(dir, name))).mode & 0o077).toBe(0);
    }
    const cert = new X509Certificate(first.cert);
    expect(cert.subject).toContain('CN=mail.example.org');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    const again = await loadSmtpTls({ dataDir: dir, hostname: 'mail.example.org' });
    expect(again.cert).toBe(first.cert);
  });

  it('replaces a self-signed certificate that is about to expire', async () => {
    const first = await loadSmtpTls({ dataDir: dir, hostname: 'localhost' });
    const later = new Date(Date.now() + 6 * 365 * 86_400_000);
    const renewed = await loadSmtpTls({ dataDir: dir, hostname: 'localhost', now: later });
    expect(renewed.cert).not.toBe(first.cert);
    expect(await readFile(join(dir, SELF_SIGNED_CERT), 'utf8')).toBe(renewed.cert);
  });

  it('uses configured files, and refuses unreadable or mismatched ones with InvalidConfiguration', async () => {
    const a = await loadSmtpTls({ dataDir: dir, hostname: 'localhost' });
    await writeFile(join(dir, 'cert.pem'), a.cert);
    await writeFile(join(dir, 'key.pem'), a.key);
    const configured = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    expect(await loadSmtpTls({ dataDir: dir, hostname: 'x', configured })).toMatchObject({
      cert: a.cert,
      selfSigned: false,
      certFile: configured.certFile,
    });
    const missing = { ...configured, keyFile: join(dir, 'nope.pem') };
    await expect(loadSmtpTls({ dataDir: dir, hostname: 'x', configured: missing })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
      message: expect.stringContaining('--smtp-tls-key'),
    });
    const other = await loadSmtpTls({ dataDir: await mkdtemp(join(dir, 'b-')), hostname: 'localhost' });
    await writeFile(join(dir, 'other-key.pem'), other.key);
    const mismatched = { ...configured, keyFile: join(dir, 'other-key.pem') };
    await expect(loadSmtpTls({ dataDir: dir, hostname: 'x', configured: mismatched })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
    });
  });
});
