import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutboxKind, OutboxMessage, Store } from '../store/index.js';
import type { ReplyAttachment } from './reply.js';

/** A message to send, before it is composed: the fields of a rendered reply or notification. */
export interface OutgoingMail {
  kind: OutboxKind;
  jobId: string | null;
  to: string;
  subject: string;
  text: string;
  attachments?: ReplyAttachment[];
  inReplyTo?: string;
  references?: string[];
  date: Date;
}

export interface OutboxOptions {
  store: Store;
  /** The service address: the From: of every message and its envelope sender. */
  address: string;
  displayName?: string;
  now?: () => Date;
  /** Called after messages were enqueued (the sender delivers them at once instead of at its next poll). */
  onEnqueued?: () => void;
}

/** RFC 3834: replies and notifications are automatic, so other auto-responders do not answer them. */
const AUTO_SUBMITTED: Record<OutboxKind, string> = {
  reply: 'auto-replied',
  notification: 'auto-generated',
};

/** `20260302T100000Z-<12 hex>`: unique, and sorted by creation time in a directory listing. */
export function newOutboxId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

/**
 * Composes outgoing mail into complete RFC 5322 messages (nodemailer's MailComposer) and puts them in
 * the store's outbox. Each message's Message-ID is derived from its outbox ID, so every delivery
 * attempt of one message carries the same Message-ID and a relay can drop a repeat.
 */
export class Outbox {
  readonly #opts: OutboxOptions;
  readonly #domain: string;

  constructor(opts: OutboxOptions) {
    this.#opts = opts;
    this.#domain = opts.address.slice(opts.address.lastIndexOf('@') + 1) || 'localhost';
  }

  /** The message as the outbox stores it; nothing is stored yet. */
  async compose(mail: OutgoingMail): Promise<OutboxMessage> {
    const createdAt = (this.#opts.now ?? (() => new Date()))();
    const id = newOutboxId(createdAt);
    const composer = new MailComposer({
      from: { name: this.#opts.displayName ?? 'Longshore Import/Export', address: this.#opts.address },
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      attachments: (mail.attachments ?? []).map((a) => ({ ...a })),
      date: mail.date,
      messageId: `<${id}@${this.#domain}>`,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references ? { references: mail.references } : {}),
      headers: { 'Auto-Submitted': AUTO_SUBMITTED[mail.kind] },
    });
    const raw = await composer.compile().build();
    return {
      id,
      createdAt,
      kind: mail.kind,
      jobId: mail.jobId,
      sender: this.#opts.address,
      recipient: mail.to,
      subject: mail.subject,
      raw: raw.toString('utf8'),
    };
  }

  /** Composes and stores the messages as pending (all or none), then wakes the sender. */
  async enqueue(mails: readonly OutgoingMail[]): Promise<OutboxMessage[]> {
    const messages = await Promise.all(mails.map((mail) => this.compose(mail)));
    await this.#opts.store.enqueueOutbox(messages);
    this.enqueued();
    return messages;
  }

  /** Tells the sender that new messages are waiting (after the notifier stored some itself). */
  enqueued(): void {
    this.#opts.onEnqueued?.();
  }
}
