import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { OutboxMessage } from '../store/index.js';

/** Where outgoing mail goes once it leaves the outbox. */
export interface MailDelivery {
  /** For the banner and logs: `relay smtp://host:port` or `folder /path`. */
  readonly description: string;
  /** Resolves once the message is handed over for good; throws when it was not. */
  deliver(message: OutboxMessage): Promise<void>;
  close(): void;
}

/** A delivery failure that retrying the same message cannot fix (the relay refused it for good). */
export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

interface SmtpError {
  code?: string;
  command?: string;
  permanent?: boolean;
}

/**
 * Whether nodemailer's error means the relay refused this message for good: a 5xx answer to RCPT TO
 * (the recipient) or to the message itself. A refused connection, a timeout, a 4xx, or a refused
 * login or MAIL FROM (the relay's configuration, which an operator can fix) is worth a retry.
 */
export function isPermanentSmtpError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, command, permanent } = err as SmtpError;
  if (code === 'EMESSAGE') return permanent !== false;
  return code === 'EENVELOPE' && command === 'RCPT TO' && permanent === true;
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** The longest one relay attempt can take (the sender's lease must outlast it). */
export const RELAY_ATTEMPT_MAX_MS =
  TIMEOUTS.connectionTimeout + TIMEOUTS.greetingTimeout + TIMEOUTS.socketTimeout * 2;

/**
 * Delivers through an SMTP relay (`--smtp-relay`) with nodemailer. `smtp://` uses STARTTLS when the
 * relay offers it without verifying its certificate (opportunistic, as MTAs do, RFC 7435);
 * `smtps://` is TLS from the start with the certificate verified. `user:password@` in the URL logs in.
 */
export class RelayDelivery implements MailDelivery {
  readonly description: string;
  readonly #transport: Transporter;

  constructor(relayUrl: string) {
    const url = new URL(relayUrl);
    const secure = url.protocol === 'smtps:';
    this.description = `relay ${url.protocol}//${url.host}`;
    this.#transport = nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || (secure ? 465 : 25),
      secure,
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      ...(secure ? {} : { tls: { rejectUnauthorized: false } }),
      ...TIMEOUTS,
    });
  }

  async deliver(message: OutboxMessage): Promise<void> {
    try {
      await this.#transport.sendMail({
        envelope: { from: message.sender, to: [message.recipient] },
        raw: message.raw,
      });
    } catch (err) {
      if (isPermanentSmtpError(err)) {
        throw new PermanentDeliveryError(err instanceof Error ? err.message : String(err), { cause: err });
      }
      throw err;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * Writes each message to `<dir>/<id>.eml` (DECISIONS §5: no relay configured). The file appears whole
 * or not at all (a temporary file, synced, then renamed), and writing one message twice leaves the
 * same single file, so a retry after a crash never makes a duplicate.
 */
export class FolderDelivery implements MailDelivery {
  readonly description: string;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.description = `folder ${dir}`;
  }

  async deliver(message: OutboxMessage): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const target = join(this.#dir, `${message.id}.eml`);
    const temp = join(this.#dir, `.${message.id}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const file = await open(temp, 'w', 0o600);
      try {
        await file.writeFile(message.raw);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  close(): void {}
}
