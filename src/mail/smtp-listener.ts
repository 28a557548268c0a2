import { isIP } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import type { IncomingMail, IntakeOutcome } from './mail-intake.js';
import { SlidingWindowLimiter } from './rate-limit.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** The one address mail is accepted for (lower-cased). */
  serviceAddress: string;
  tls: { cert: string; key: string };
  requireAuth: boolean;
  /** Largest message in bytes (SMTP 552 above it). */
  maxMessageSize: number;
  /** Mails per sender per minute (SMTP 450 above it). */
  rateLimit: number;
  /** The access key ID for a user name and password, or null. */
  authenticate(username: string, password: string): Promise<string | null>;
  receive(mail: IncomingMail): Promise<IntakeOutcome>;
  onError(err: unknown): void;
  now?: () => number;
}

export interface SmtpListener {
  /** `smtp://HOST:PORT`. */
  url: string;
  port: number;
  /** Stops accepting connections and waits (a few seconds at most) for open sessions. */
  close(): Promise<void>;
}

/** Concurrent sessions: with the size limit, this bounds the memory held by mails being received. */
const MAX_CLIENTS = 20;
/** Accepted recipients per mail (only the service address is accepted, so one in practice). */
const MAX_RECIPIENTS = 10;
const CLOSE_TIMEOUT_MS = 3000;

type Callback = (err?: Error | null) => void;

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The access key ID the session authenticated with (smtp-server keeps `false` before AUTH). */
function userOf(session: SMTPServerSession): string | null {
  return typeof session.user === 'string' ? session.user : null;
}

function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/**
 * Reads the DATA stream, keeping at most `limit` bytes: past the limit it only drains the stream, so
 * an oversized mail never occupies more memory than the limit. Null when the mail was too large.
 */
function readBounded(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () =>
      resolve(stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks, size)),
    );
  });
}

/**
 * The SMTP listener of the e-mail command interface (DECISIONS §5), on smtp-server:
 * - STARTTLS with the given certificate; AUTH PLAIN and LOGIN with an account's access key ID and
 *   secret, required unless `requireAuth` is off (530 otherwise). AUTH without TLS is accepted from
 *   loopback clients only (local relays, tests); anyone else must STARTTLS first (538).
 * - Recipients other than the service address are refused at RCPT (550), past 10 with 452.
 * - At most `rateLimit` mails per minute per sender (the authenticated key, else MAIL FROM), 450 above.
 * - Mail over `maxMessageSize` gets 552 (SIZE is advertised, so clients can refuse it up front).
 * - A failure of the store while handling a mail gets 451 (try again); the listener never throws.
 */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const limiter = new SlidingWindowLimiter(opts.rateLimit, 60_000, opts.now);
  const server = new SMTPServer({
    banner: 'Longshore Import/Export e-mail commands',
    key: opts.tls.key,
    cert: opts.tls.cert,
    size: opts.maxMessageSize,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !opts.requireAuth,
    allowInsecureAuth: true,
    maxClients: MAX_CLIENTS,
    maxRecipients: MAX_RECIPIENTS,
    disableReverseLookup: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,
    onAuth: (auth, session, callback) => void onAuth(opts, auth, session, callback),
    onMailFrom: (address, session, callback) => onMailFrom(limiter, address, session, callback),
    onRcptTo: (address, _session, callback) => onRcptTo(opts.serviceAddress, address, callback),
    onData: (stream, session, callback) => void onData(opts, stream, session, callback),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server reports broken client connections here; without a listener they would end the process
  server.on('error', (err) => opts.onError(err));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `smtp://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function onAuth(
  opts: SmtpListenerOptions,
  auth: SMTPServerAuthentication,
  session: SMTPServerSession,
  callback: (err: Error | null | undefined, response?: { user: string }) => void,
): Promise<void> {
  if (!session.secure && !isLoopback(session.remoteAddress)) {
    return callback(smtpError(538, 'Error: must issue a STARTTLS command first'));
  }
  try {
    const key = await opts.authenticate(auth.username ?? '', auth.password ?? '');
    if (key === null) return callback(smtpError(535, 'Error: invalid access key ID or secret access key'));
    callback(null, { user: key });
  } catch (err) {
    opts.onError(err);
    callback(smtpError(454, 'Error: temporary authentication failure, try again later'));
  }
}

function onMailFrom(
  limiter: SlidingWindowLimiter,
  address: SMTPServerAddress,
  session: SMTPServerSession,
  callback: Callback,
): void {
  const sender = userOf(session) ?? (address.address.toLowerCase() || `<> from ${session.remoteAddress}`);
  if (!limiter.take(sender)) {
    return callback(
      smtpError(
        450,
        `Error: too many mails from ${sender} (at most ${limiter.limit} a minute), try again later`,
      ),
    );
  }
  callback();
}

function onRcptTo(serviceAddress: string, address: SMTPServerAddress, callback: Callback): void {
  if (address.address.toLowerCase() !== serviceAddress) {
    return callback(smtpError(550, `Error: no such recipient here; commands go to ${serviceAddress}`));
  }
  callback();
}

async function onData(
  opts: SmtpListenerOptions,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  callback: (err?: Error | null, message?: string) => void,
): Promise<void> {
  try {
    const raw = await readBounded(stream, opts.maxMessageSize);
    if (raw === null) {
      return callback(
        smtpError(552, `Error: message exceeds the maximum size of ${opts.maxMessageSize} bytes`),
      );
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const outcome = await opts.receive({ raw, mailFrom, authenticatedKey: userOf(session) });
    if (outcome.kind === 'refused') return callback(smtpError(outcome.code, outcome.message));
    if (outcome.kind === 'ignored') return callback(null, `OK: accepted, not answered: ${outcome.reason}`);
    callback(null, `OK: reply queued as ${outcome.outboxId}`);
  } catch (err) {
    opts.onError(err);
    callback(smtpError(451, 'Error: the command could not be processed now, try again later'));
  }
}
