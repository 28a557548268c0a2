import { entryOf, renderMessage } from '../catalog/index.js';
import { SIGNATURE_FILE_NAME, type JobStatusView } from '../jobs/index.js';
import type { ManifestIssue } from '../manifest/index.js';
import type { MailError, MailReply, ReplyBody } from './mail-commands.js';

export interface ReplyAttachment {
  filename: string;
  content: string;
  contentType: string;
}

/** A reply as a message to send (the fields are named as nodemailer names them). */
export interface RenderedReply {
  /** The registered address to send it to; null when there is none (InvalidSender). */
  to: string | null;
  subject: string;
  /** `SUCCESS` or `ERROR`, then `KEY: value` lines, LF line ends, a final newline. */
  text: string;
  attachments: ReplyAttachment[];
  /** The command mail's Message-ID, when it had one. */
  inReplyTo?: string;
  /** The command mail's References followed by its Message-ID, when it had one. */
  references?: string[];
  date: Date;
}

const MAX_ECHOED_SUBJECT = 200;

const INSTRUCTIONS = {
  created:
    'Copy the attached SIGNATURE file, unchanged, to the root of the device, then ship the device to the loading station.',
  updated:
    'Replace the SIGNATURE file on the device with the attached one; the previous SIGNATURE file is no longer valid.',
} as const;

/** One `KEY: value` line; a value never spans lines. */
export function line(key: string, value: string | number | boolean): string {
  return `${key}: ${String(value)
    .replace(/[\r\n]+/g, ' ')
    .trim()}`;
}

/** ISO 8601 UTC to the second, e.g. 2026-03-02T10:00:00Z. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The DEVICE and JOB lines of DECISIONS §5, descriptions from the catalog (via jobStatusView). */
export function statusLines(status: JobStatusView): string[] {
  return [
    line('DEVICE CODE', status.locationCode),
    line('DEVICE DESCRIPTION', status.locationMessage),
    line('JOB CODE', status.progressCode),
    line('JOB DESCRIPTION', status.progressMessage),
  ];
}

function issueLine(issue: ManifestIssue): string {
  return line(
    'ISSUE',
    `${issue.path || '(document)'} (line ${issue.line}, column ${issue.column}): ${issue.message}`,
  );
}

function errorLines(error: MailError): string[] {
  return [
    'ERROR',
    line('CODE', error.code),
    line('DESCRIPTION', renderMessage(error.code, error.params)),
    line('RECOMMENDED ACTION', entryOf(error.code).action),
    ...error.issues.map(issueLine),
  ];
}

function bodyLines(body: ReplyBody): string[] {
  switch (body.kind) {
    case 'created':
    case 'updated':
      return [
        'SUCCESS',
        line('JOBID', body.jobId),
        ...(body.status ? statusLines(body.status) : []),
        ...body.warnings.map((warning) => line('WARNING', warning)),
        line('INSTRUCTIONS', INSTRUCTIONS[body.kind]),
      ];
    case 'status':
      return ['SUCCESS', line('JOBID', body.status.jobId), ...statusLines(body.status)];
    case 'canceled':
      return ['SUCCESS', line('JOBID', body.jobId), line('CANCELED', true)];
    case 'list': {
      const out = ['SUCCESS', line('JOBS', body.jobs.length)];
      if (body.isTruncated) out.push(line('TRUNCATED', true));
      for (const job of body.jobs) {
        out.push(
          '',
          line('JOBID', job.jobId),
          line('CREATION DATE', isoSeconds(job.creationDate)),
          line('JOB TYPE', job.jobType),
          line('CANCELED', job.isCanceled),
        );
      }
      return out;
    }
    case 'error':
      return errorLines(body.error);
  }
}

/** `RE: <COMMAND>`; for a mail that named no command, `RE:` and its own subject. */
function replySubject(reply: MailReply): string {
  if (reply.command !== null) return `RE: ${reply.command}`;
  const echoed = reply.origin.subject.replace(/\s+/g, ' ').trim().slice(0, MAX_ECHOED_SUBJECT);
  return `RE: ${echoed || '(no subject)'}`;
}

/**
 * A MailReply as the message DECISIONS §5 describes: subject `RE: <COMMAND>`, a body of `SUCCESS` or
 * `ERROR` and `KEY: value` lines rendered from the catalog, the SIGNATURE file attached to CREATE JOB
 * and UPDATE JOB replies, and In-Reply-To/References threading it under the command mail.
 */
export function renderReply(reply: MailReply): RenderedReply {
  const { body } = reply;
  const attachments: ReplyAttachment[] =
    body.kind === 'created' || body.kind === 'updated'
      ? [{ filename: SIGNATURE_FILE_NAME, content: body.signatureFileContents, contentType: 'text/plain' }]
      : [];
  const rendered: RenderedReply = {
    to: reply.recipient,
    subject: replySubject(reply),
    text: bodyLines(body).join('\n') + '\n',
    attachments,
    date: reply.date,
  };
  const { messageId, references } = reply.origin;
  if (messageId) {
    rendered.inReplyTo = messageId;
    rendered.references = [...references.filter((ref) => ref !== messageId), messageId];
  }
  return rendered;
}
