import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/index.js';

const CWD = '/srv/longshore';

describe('the e-mail options of serve', () => {
  it('default to AUTH required, 10 MiB, 30 mails a minute, a generated certificate', () => {
    const config = resolveConfig('serve', {}, {}, CWD);
    expect(config).toMatchObject({
      smtpRequireAuth: true,
      smtpMaxMessageSize: 10 * 1024 * 1024,
      smtpRateLimit: 30,
      outboxRetryMaxSeconds: 600,
    });
    expect(config.smtpTls).toBeUndefined();
  });

  it('are read from flags and LONGSHORE_* variables', () => {
    const env = {
      LONGSHORE_SMTP_REQUIRE_AUTH: 'false',
      LONGSHORE_SMTP_MAX_MESSAGE_SIZE: '2048',
      LONGSHORE_SMTP_TLS_CERT: 'tls/cert.pem',
      LONGSHORE_SMTP_TLS_KEY: '/etc/ssl/key.pem',
    };
    const config = resolveConfig('serve', { smtpRateLimit: '5', outboxRetryMaxSeconds: '3' }, env, CWD);
    expect(config).toMatchObject({
      smtpRequireAuth: false,
      smtpMaxMessageSize: 2048,
      smtpRateLimit: 5,
      outboxRetryMaxSeconds: 3,
      smtpTls: { certFile: '/srv/longshore/tls/cert.pem', keyFile: '/etc/ssl/key.pem' },
    });
    expect(resolveConfig('serve', { smtpRequireAuth: 'yes' }, env, CWD).smtpRequireAuth).toBe(true);
  });

  it('refuse a certificate without its key and the other way round, and bad numbers', () => {
    const refused = (flags: Record<string, string>) => () => resolveConfig('serve', flags, {}, CWD);
    expect(refused({ smtpTlsCert: 'c.pem' })).toThrow(/--smtp-tls-key .*required when --smtp-tls-cert/);
    expect(refused({ smtpTlsKey: 'k.pem' })).toThrow(/--smtp-tls-cert .*required when --smtp-tls-key/);
    expect(refused({ smtpRequireAuth: 'maybe' })).toThrow(/--smtp-require-auth/);
    expect(refused({ smtpMaxMessageSize: '0' })).toThrow(/--smtp-max-message-size/);
    expect(refused({ smtpRateLimit: 'lots' })).toThrow(/--smtp-rate-limit/);
  });
});
