import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';

const RELAY_SCRIPT = fileURLToPath(new URL('./smtp-relay.py', import.meta.url));

export interface RelayProcess {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Starts the aiosmtpd relay (smtp-relay.py) as its own process and waits until it listens. */
export function startRelay(port: number, dir: string): Promise<RelayProcess> {
  const proc: ChildProcess = spawn('/usr/bin/python3', [RELAY_SCRIPT, '127.0.0.1', String(port), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve({
          port,
          dir,
          stop: async () => {
            proc.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the relay exited:\n${output}`));
    });
  });
}

/** A message the relay received: the envelope recipient and the parsed mail. */
export interface RelayedMail {
  file: string;
  rcptTo: string;
  mail: ParsedMail;
  text: string;
}

/** Every message in the relay's directory, oldest first. */
export async function relayedMails(dir: string): Promise<RelayedMail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(await readFile(join(dir, file)));
      const rcpt = mail.headers.get('x-relay-rcpt-to');
      return { file, rcptTo: typeof rcpt === 'string' ? rcpt : '', mail, text: mail.text ?? '' };
    }),
  );
}

/** Waits for the relay to hold a message matching `match`; fails after `timeoutMs`. */
export async function waitForMail(
  dir: string,
  match: (mail: RelayedMail) => boolean,
  timeoutMs = 15_000,
): Promise<RelayedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await relayedMails(dir)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching mail in ${dir} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The reply to the command mail with this Message-ID. */
export const replyTo = (dir: string, messageId: string, timeoutMs?: number) =>
  waitForMail(dir, (m) => m.mail.inReplyTo === messageId, timeoutMs);

export interface Credentials {
  user: string;
  pass: string;
}

export interface CommandMail {
  from: string;
  subject?: string;
  text?: string;
  to?: string[];
  attachments?: { filename: string; content: string | Buffer; contentType?: string }[];
  /** A complete message to send as it is (then subject, text and attachments are not used). */
  raw?: string | Buffer;
}

/**
 * Sends a command mail to the service with nodemailer, a real SMTP client: STARTTLS (the self-signed
 * certificate accepted), AUTH with the account's keys unless `auth` is null. Resolves with the
 * Message-ID and the server's answer; rejects with nodemailer's error (responseCode, response).
 */
export async function sendCommand(
  smtpPort: number,
  auth: Credentials | null,
  mail: CommandMail,
  service = 'importexport@localhost',
): Promise<{ messageId: string; response: string; rejected: string[] }> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    ...(auth ? { auth } : {}),
  });
  const to = mail.to ?? [service];
  try {
    const info = mail.raw
      ? await transport.sendMail({ envelope: { from: mail.from, to }, raw: mail.raw })
      : await transport.sendMail({
          from: mail.from,
          to,
          subject: mail.subject,
          text: mail.text ?? '',
          attachments: mail.attachments ?? [],
        });
    const messageId = mail.raw
      ? (/^Message-ID:\s*(<[^>]+>)/im.exec(String(mail.raw))?.[1] ?? '')
      : info.messageId;
    return { messageId, response: info.response, rejected: (info.rejected as string[]) ?? [] };
  } finally {
    transport.close();
  }
}

/** The `KEY: value` lines of a reply or notification body. */
export function fieldsOf(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z][A-Z ]*): (.*)$/.exec(line);
    if (match && !(match[1]! in fields)) fields[match[1]!] = match[2]!;
  }
  return fields;
}
