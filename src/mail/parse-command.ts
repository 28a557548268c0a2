import type { Attachment, ParsedMail } from 'mailparser';
import { parseSignatureFile, SIGNATURE_FILE_NAME } from '../jobs/index.js';
import {
  findJobId,
  findJobType,
  findManifestInBody,
  htmlToPlainText,
  splitBody,
  type BodyText,
} from './body.js';
import {
  MAIL_COMMANDS,
  type CommandName,
  type MailOrigin,
  type ManifestSource,
  type ParsedCommand,
} from './command.js';
import { decodeTextBytes, looksBinary } from './text-decoding.js';

/** Reply and forward prefixes clients put before a subject (English, German, Nordic, Dutch, French, Italian). */
const SUBJECT_PREFIX = /^(?:re|fwd?|fw|aw|wg|sv|vs|antw|tr|rif|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;
/** A leading tag such as `[EXTERNAL]` or a list name. */
const SUBJECT_TAG = /^\[[^\]]*\]\s*/;
const ENCLOSING = /^[[(<{"'](.*)[\])>}"']$/s;

/** The command a subject names: prefixes, tags, enclosing brackets, case and extra spaces do not matter. */
export function commandOfSubject(subject: string): CommandName | null {
  let rest = subject.replace(/\s+/g, ' ').trim();
  for (let round = 0; round < 50; round++) {
    const before = rest;
    rest = rest.replace(SUBJECT_PREFIX, '').trim();
    if (SUBJECT_TAG.test(rest) && rest.replace(SUBJECT_TAG, '') !== '') rest = rest.replace(SUBJECT_TAG, '');
    const enclosed = ENCLOSING.exec(rest);
    if (enclosed) rest = (enclosed[1] ?? '').trim();
    rest = rest.replace(/[.:!]+$/, '').trim();
    if (rest === before) break;
  }
  const upper = rest.toUpperCase();
  return MAIL_COMMANDS.find((command) => command === upper) ?? null;
}

/** Signature, certificate and key files mail clients attach on their own. */
const SIGNATURE_TYPES =
  /^application\/(x-)?(pkcs7-signature|pkcs7-mime|pgp-signature|pgp-keys|pgp-encrypted)$/i;
const SIGNATURE_EXTENSIONS = /\.(p7s|p7m|p7c|asc|sig|gpg|pgp|vcf|ics)$/i;
/** Content types that are never a manifest: media, mail, HTML, calendar/contact cards, TNEF. */
const NOT_MANIFEST_TYPES =
  /^(image|audio|video|font|model|message|multipart)\/|^text\/(html|calendar|vcard|x-vcard)$|^application\/(ms-tnef|vnd\.ms-tnef)$/i;

function headerCharset(attachment: Attachment): string | null {
  const contentType = attachment.headers.get('content-type');
  if (contentType && typeof contentType === 'object' && 'params' in contentType) {
    const charset = (contentType.params as Record<string, string | undefined>)['charset'];
    return charset ?? null;
  }
  return null;
}

function isSkipped(attachment: Attachment): boolean {
  const name = (attachment.filename ?? '').trim();
  const base = name.split(/[\\/]/).pop() ?? '';
  if (base.toUpperCase() === SIGNATURE_FILE_NAME) return true;
  if (SIGNATURE_EXTENSIONS.test(base) || SIGNATURE_TYPES.test(attachment.contentType)) return true;
  if (NOT_MANIFEST_TYPES.test(attachment.contentType)) return true;
  // an image or other part embedded in an HTML body (multipart/related, referenced by cid:)
  return attachment.related === true;
}

interface Candidate {
  text: string;
  source: ManifestSource;
}

/** The attachments that could be a manifest, in mail order: text, not empty, not a SIGNATURE file. */
function candidates(attachments: readonly Attachment[]): Candidate[] {
  const found: Candidate[] = [];
  for (const attachment of attachments) {
    if (isSkipped(attachment) || !Buffer.isBuffer(attachment.content)) continue;
    const decoded = decodeTextBytes(attachment.content, headerCharset(attachment));
    if (decoded.text.trim() === '' || looksBinary(decoded.text)) continue;
    if (parseSignatureFile(decoded.text) !== null) continue; // a SIGNATURE under another name
    found.push({
      text: decoded.text,
      source: {
        from: 'attachment',
        filename: attachment.filename ?? null,
        contentType: attachment.contentType || null,
        charset: decoded.charset,
      },
    });
  }
  return found;
}

/** First the first text attachment with a `manifestVersion:` line, else the first text attachment at all. */
function findManifest(mail: ParsedMail, body: BodyText): Candidate | null {
  const texts = candidates(mail.attachments ?? []);
  const versioned = texts.find((c) => /^\s*manifestVersion\s*:/m.test(c.text));
  const chosen = versioned ?? texts[0];
  if (chosen) return chosen;
  const inline = findManifestInBody(body);
  if (inline === null) return null;
  return {
    text: inline,
    source: { from: 'body', filename: null, contentType: 'text/plain', charset: 'utf-8' },
  };
}

const MAX_HTML_FALLBACK = 1024 * 1024;

/** The body as plain text: the text part(s), or the HTML converted when the mail has only HTML. */
function bodyText(mail: ParsedMail): string {
  if (typeof mail.text === 'string' && mail.text.trim() !== '') return mail.text;
  if (typeof mail.html === 'string') return htmlToPlainText(mail.html.slice(0, MAX_HTML_FALLBACK));
  return mail.text ?? '';
}

function firstFromAddress(mail: ParsedMail): string | null {
  for (const entry of mail.from?.value ?? []) {
    const address = entry.address ?? entry.group?.find((member) => member.address)?.address;
    if (address && address.trim() !== '') return address.trim().toLowerCase();
  }
  return null;
}

function references(mail: ParsedMail): string[] {
  const refs = mail.references;
  if (refs === undefined) return [];
  return (Array.isArray(refs) ? refs : refs.split(/\s+/)).filter((ref) => ref.trim() !== '');
}

function originOf(mail: ParsedMail): MailOrigin {
  return {
    fromAddress: firstFromAddress(mail),
    messageId: mail.messageId ?? null,
    references: references(mail),
    subject: (mail.subject ?? '').replace(/[\r\n]+/g, ' ').trim(),
  };
}

/**
 * A parsed mail (mailparser's ParsedMail) as an e-mail command of DECISIONS §5, or the reason it is
 * none. Pure: it reads the mail and decides nothing about jobs or accounts.
 *
 * - The subject is the command, whatever the case, `Re:`/`Fwd:`/`AW:` prefixes, `[tags]` and brackets.
 * - JOBID (`JOBID: X`, `JOB ID: X`, `JobId=X`) comes from the body text (the HTML converted when
 *   there is no text part); the sender's own text counts first, quoted or forwarded text only when
 *   it holds the only JOBID.
 * - The manifest is the first attachment that looks like one, under any name or content type:
 *   signatures (.p7s, .asc), media, inline images and SIGNATURE files are skipped, as is anything
 *   binary or empty; an attachment with a `manifestVersion:` line wins over other text. Bytes are
 *   decoded by BOM, declared charset, or guessed (UTF-8, UTF-16, Windows-1252).
 */
export function parseCommand(mail: ParsedMail): ParsedCommand {
  const origin = originOf(mail);
  if (origin.subject === '') return { kind: 'problem', problem: 'no-subject', ...origin };
  const command = commandOfSubject(origin.subject);
  if (command === null) return { kind: 'problem', problem: 'unknown-command', ...origin };
  const body = splitBody(bodyText(mail));
  const manifest = findManifest(mail, body);
  return {
    kind: 'command',
    command,
    jobId: findJobId(body),
    jobType: findJobType(body),
    manifestText: manifest?.text ?? null,
    manifest: manifest?.source ?? null,
    ...origin,
  };
}
