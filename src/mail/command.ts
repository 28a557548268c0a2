/** The five e-mail commands of DECISIONS §5, spelled as the subject carries them. */
export const MAIL_COMMANDS = ['CREATE JOB', 'UPDATE JOB', 'CANCEL JOB', 'GET STATUS', 'LIST JOBS'] as const;
export type CommandName = (typeof MAIL_COMMANDS)[number];

/** What every parsed mail carries, command or not: enough to address and thread the reply. */
export interface MailOrigin {
  /** The first From: address, lower-cased; null when the mail has none. */
  fromAddress: string | null;
  /** The Message-ID, angle brackets included, for the reply's In-Reply-To/References; null when absent. */
  messageId: string | null;
  /** The mail's own References, oldest first, so the reply's References continue the thread. */
  references: string[];
  /** The subject as received (decoded), '' when there was none. */
  subject: string;
}

/** Where the manifest text came from, for logs and tests. */
export interface ManifestSource {
  /** 'attachment', or 'body' for a text part the mail client put inline (see parseCommand). */
  from: 'attachment' | 'body';
  filename: string | null;
  contentType: string | null;
  /** The charset the bytes were decoded from, e.g. 'utf-8', 'utf-16le', 'windows-1252'. */
  charset: string;
}

/** A mail whose subject names one of the five commands. Values are raw: JobService checks them. */
export interface MailCommand extends MailOrigin {
  kind: 'command';
  command: CommandName;
  /** The value of the body's `JOBID:` line as written (not validated); null when there is none. */
  jobId: string | null;
  /** The value of an optional `JOBTYPE:` body line as written; null when there is none (Import). */
  jobType: string | null;
  /** The manifest, decoded to a string (no BOM); null when the mail carries none. */
  manifestText: string | null;
  manifest: ManifestSource | null;
}

/** A mail that names no command: the reply lists the commands (catalog code UnknownCommand). */
export interface CommandProblem extends MailOrigin {
  kind: 'problem';
  problem: 'no-subject' | 'unknown-command';
}

export type ParsedCommand = MailCommand | CommandProblem;
