import type { ParsedMail } from 'mailparser';
import { entryOf } from '../catalog/index.js';
import type { MailCommands, MailReply } from './mail-commands.js';
import type { Outbox } from './outbox.js';
import { parseCommand } from './parse-command.js';
import { readMail } from './read-mail.js';
import { renderReply } from './reply.js';

/** One mail as the SMTP listener accepted it. */
export interface IncomingMail {
  /** The whole message; the listener has already bounded its size. */
  raw: Buffer;
  /** The envelope sender (MAIL FROM), '' for the null sender `<>`. */
  mailFrom: string;
  /** The access key ID the session authenticated with, or null. */
  authenticatedKey: string | null;
}

/** What the listener answers at the end of DATA. */
export type IntakeOutcome =
  | { kind: 'queued'; outboxId: string }
  /** Accepted, and deliberately not answered (bounces and other automatic mail). */
  | { kind: 'ignored'; reason: string }
  /** Refused with an SMTP error: the reply would have no registered address to go to. */
  | { kind: 'refused'; code: number; message: string };

export interface MailIntakeDeps {
  commands: MailCommands;
  outbox: Outbox;
  /** The service address, lower-cased. */
  serviceAddress: string;
  onError: (err: unknown) => void;
}

/** RFC 3834 §2: a mail with Auto-Submitted other than "no" came from a program; answering it could loop. */
function isAutomatic(mail: ParsedMail): boolean {
  const value = mail.headers.get('auto-submitted');
  if (value === undefined) return false;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return !/^\s*no\b/i.test(text);
}

function jobIdOf(reply: MailReply): string | null {
  const { body } = reply;
  if (body.kind === 'created' || body.kind === 'updated' || body.kind === 'canceled') return body.jobId;
  if (body.kind === 'status') return body.status.jobId;
  return null;
}

const INVALID_SENDER = `InvalidSender: ${entryOf('InvalidSender').message} ${entryOf('InvalidSender').action}`;

/**
 * Turns an accepted mail into its reply in the outbox: parse (mailparser), the command (parseCommand),
 * the job service (MailCommands), the reply (renderReply). The sender is the From: address, or the
 * envelope sender when the mail has no From:. A command whose sender has no registered address to
 * answer (InvalidSender, including a From: that is not the authenticated account's) is refused at
 * DATA with SMTP 550, since DECISIONS §5 sends replies to registered addresses only. Mail from the
 * null sender or marked Auto-Submitted, and mail claiming to be from the service itself, is accepted
 * and never answered, so Longshore cannot loop with another auto-responder.
 * Throws only when the store fails (the listener answers 451: try again later).
 */
export class MailIntake {
  readonly #deps: MailIntakeDeps;

  constructor(deps: MailIntakeDeps) {
    this.#deps = deps;
  }

  async receive(mail: IncomingMail): Promise<IntakeOutcome> {
    if (mail.mailFrom === '')
      return { kind: 'ignored', reason: 'mail from the null sender is never answered' };
    const parsed = await readMail(mail.raw);
    if (isAutomatic(parsed))
      return { kind: 'ignored', reason: 'automatic mail (Auto-Submitted) is never answered' };
    const command = parseCommand(parsed);
    const sender = command.fromAddress ?? mail.mailFrom.trim().toLowerCase();
    if (sender === this.#deps.serviceAddress) {
      return { kind: 'ignored', reason: 'mail from the service address is never answered' };
    }
    const reply = await this.#deps.commands.handle({
      command,
      sender,
      authenticatedKey: mail.authenticatedKey,
    });
    if (reply.body.kind === 'error' && reply.body.error.code === 'InternalError') {
      this.#deps.onError(reply.body.error.cause ?? new Error('InternalError in a mail command'));
    }
    if (reply.recipient === null) return { kind: 'refused', code: 550, message: INVALID_SENDER };
    const rendered = renderReply(reply);
    const [message] = await this.#deps.outbox.enqueue([
      {
        kind: 'reply',
        jobId: jobIdOf(reply),
        to: reply.recipient,
        subject: rendered.subject,
        text: rendered.text,
        attachments: rendered.attachments,
        date: rendered.date,
        ...(rendered.inReplyTo ? { inReplyTo: rendered.inReplyTo } : {}),
        ...(rendered.references ? { references: rendered.references } : {}),
      },
    ]);
    return { kind: 'queued', outboxId: message?.id ?? '' };
  }
}
