import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface SunkMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  mails: SunkMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server in this process that keeps every message it accepts: the relay for the outbox
 * sender's tests. `rejectRcpt` answers RCPT TO for an address with the given code (e.g. 550 or 450).
 */
export async function startSmtpSink(
  port: number,
  options: { rejectRcpt?: (address: string) => number | null } = {},
): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const code = options.rejectRcpt?.(address.address) ?? null;
      if (code === null) return callback();
      callback(Object.assign(new Error(`refused ${address.address}`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
