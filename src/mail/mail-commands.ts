import { checkStanding, type Permissions } from '../accounts/index.js';
import {
  CatalogError,
  emailCodeFor,
  entryOf,
  invalidParameter,
  isCodeName,
  toCatalogError,
  type CodeName,
  type MessageParams,
} from '../catalog/index.js';
import { normaliseJobId, type JobService, type JobStatusView } from '../jobs/index.js';
import type { ManifestIssue } from '../manifest/index.js';
import type { JobType } from '../store/index.js';
import type { CommandName, MailCommand, MailOrigin, ParsedCommand } from './command.js';

export interface MailCommandsDeps {
  jobs: JobService;
  permissions: Permissions;
  now?: () => Date;
}

export interface HandleInput {
  command: ParsedCommand;
  /** The address the command came from (the From: address the SMTP layer accepted). */
  sender: string;
  /**
   * The access key ID the SMTP session authenticated with; when given, it must be the sender's
   * account (else InvalidSender), so a forged From: line cannot act for an account.
   */
  authenticatedKey?: string | null;
}

/** One job of a LIST JOBS reply. */
export interface ListedJob {
  jobId: string;
  jobType: JobType;
  creationDate: Date;
  isCanceled: boolean;
}

/** An error reply: a catalog code used in e-mail replies, its message parameters, and manifest issues. */
export interface MailError {
  code: CodeName;
  params: MessageParams;
  /** Every located manifest issue behind a manifest error (all of them, whatever their code). */
  issues: ManifestIssue[];
  /** The unexpected error behind an InternalError reply, for the caller's log. */
  cause?: unknown;
}

export type ReplyBody =
  | {
      kind: 'created' | 'updated';
      jobId: string;
      /** The job's status after the change; null only if it could not be read back. */
      status: JobStatusView | null;
      signatureFileContents: string;
      warnings: string[];
    }
  | { kind: 'status'; status: JobStatusView }
  | { kind: 'canceled'; jobId: string }
  | { kind: 'list'; jobs: ListedJob[]; isTruncated: boolean }
  | { kind: 'error'; error: MailError };

/** The outcome of one command mail, ready for renderReply. */
export interface MailReply {
  /** The command answered; null when the subject named none. */
  command: CommandName | null;
  /** Subject, Message-ID and References of the command mail. */
  origin: MailOrigin;
  /**
   * Where the reply may go: the sender, once it is known to be registered to an account (DECISIONS §5:
   * replies go only to registered addresses); null for InvalidSender.
   */
  recipient: string | null;
  /** The account that acted, once known. */
  accessKeyId: string | null;
  date: Date;
  body: ReplyBody;
}

const ACTOR = 'email';
/** LIST JOBS answers with up to this many jobs, newest first (the API's largest MaxJobs). */
const LIST_LIMIT = 1000;

/**
 * Runs e-mail commands (DECISIONS §5) through the same JobService the API uses. The checks happen
 * in §5 order: the sender's account here (InvalidSender, NotSignedUp, AccountProblem, and the
 * authenticated key), everything else inside JobService, whose errors are mapped to the seed's
 * e-mail codes with emailCodeFor. No business rule lives here.
 */
export class MailCommands {
  readonly #deps: MailCommandsDeps;

  constructor(deps: MailCommandsDeps) {
    this.#deps = deps;
  }

  async handle(input: HandleInput): Promise<MailReply> {
    const { command } = input;
    const sender = input.sender.trim().toLowerCase();
    const base = {
      command: command.kind === 'command' ? command.command : null,
      origin: {
        fromAddress: command.fromAddress,
        messageId: command.messageId,
        references: command.references,
        subject: command.subject,
      },
      date: (this.#deps.now ?? (() => new Date()))(),
    };
    let caller: string;
    try {
      caller = await this.#senderAccount(sender, input.authenticatedKey ?? null);
    } catch (err) {
      const error = mailError(err);
      // only a registered address gets a reply: the account flags say the sender is one
      const registered = error.code === 'NotSignedUp' || error.code === 'AccountProblem';
      const recipient = registered ? sender : null;
      return { ...base, recipient, accessKeyId: null, body: { kind: 'error', error } };
    }
    const reply = { ...base, recipient: sender, accessKeyId: caller };
    if (command.kind === 'problem') {
      return { ...reply, body: { kind: 'error', error: { code: 'UnknownCommand', params: {}, issues: [] } } };
    }
    try {
      return { ...reply, body: await this.#run(command, caller) };
    } catch (err) {
      return { ...reply, body: { kind: 'error', error: mailError(err) } };
    }
  }

  /**
   * The access key ID the command acts for, in §5 order: the sender address is registered
   * (InvalidSender), the account is signed up (NotSignedUp) and in good standing (AccountProblem).
   * With SMTP authentication the account is the authenticated one, and it must have registered the
   * sender address (else InvalidSender); otherwise it is the account that registered the address.
   */
  async #senderAccount(sender: string, authenticatedKey: string | null): Promise<string> {
    const { permissions } = this.#deps;
    if (authenticatedKey === null) return (await permissions.accountForSender(sender)).accessKeyId;
    const account = await permissions.accountForKey(authenticatedKey).catch((err: unknown) => {
      if (err instanceof CatalogError) return null;
      throw err;
    });
    if (!account || !account.emails.includes(sender)) throw new CatalogError('InvalidSender');
    checkStanding(account);
    return account.accessKeyId;
  }

  async #run(command: MailCommand, caller: string): Promise<ReplyBody> {
    const { jobs } = this.#deps;
    // A missing JOBID or manifest is passed on empty: JobService refuses it in §5 order
    // (InvalidJobIdException for the job, MissingParameterException for the manifest).
    const jobIdInput = command.jobId ?? '';
    const manifestText = command.manifestText ?? '';
    switch (command.command) {
      case 'CREATE JOB': {
        const jobType = jobTypeOf(command);
        const created = await jobs.createJob({
          caller,
          jobType,
          manifestText,
          validateOnly: false,
          actor: ACTOR,
        });
        const jobId = created.jobId ?? '';
        const status = await jobs.getStatus(caller, jobId).catch(() => null);
        return {
          kind: 'created',
          jobId,
          status,
          signatureFileContents: created.signatureFileContents ?? '',
          warnings: created.warnings,
        };
      }
      case 'UPDATE JOB': {
        const jobType = jobTypeOf(command);
        const { warnings } = await jobs.updateJob({
          caller,
          jobId: jobIdInput,
          jobType,
          manifestText,
          validateOnly: false,
          actor: ACTOR,
        });
        const status = await jobs.getStatus(caller, jobIdInput);
        return {
          kind: 'updated',
          jobId: status.jobId,
          status,
          signatureFileContents: status.signatureFileContents,
          warnings,
        };
      }
      case 'CANCEL JOB':
        await jobs.cancelJob(caller, jobIdInput, ACTOR);
        return { kind: 'canceled', jobId: normaliseJobId(jobIdInput) ?? jobIdInput.trim().toUpperCase() };
      case 'GET STATUS':
        return { kind: 'status', status: await jobs.getStatus(caller, jobIdInput) };
      case 'LIST JOBS': {
        const page = await jobs.listJobs(caller, { maxJobs: LIST_LIMIT });
        return {
          kind: 'list',
          jobs: page.jobs.map((job) => ({
            jobId: job.jobId,
            jobType: job.jobType,
            creationDate: job.createdAt,
            isCanceled: job.canceled,
          })),
          isTruncated: page.isTruncated,
        };
      }
    }
  }
}

/** The `JOBTYPE:` line of the body: Import when absent (the API's JobType parameter, by another name). */
function jobTypeOf(command: MailCommand): JobType {
  const raw = command.jobType?.trim() ?? '';
  if (raw === '' || /^import$/i.test(raw)) return 'Import';
  if (/^export$/i.test(raw)) return 'Export';
  throw invalidParameter('JobType', raw);
}

function isManifestIssue(value: unknown): value is ManifestIssue {
  if (typeof value !== 'object' || value === null) return false;
  const issue = value as Record<string, unknown>;
  return (
    typeof issue['code'] === 'string' &&
    typeof issue['path'] === 'string' &&
    typeof issue['line'] === 'number' &&
    typeof issue['column'] === 'number'
  );
}

/** The located manifest issues a CatalogError carries in details.issues (manifest errors only). */
function issuesOf(details: unknown): ManifestIssue[] {
  if (typeof details !== 'object' || details === null) return [];
  const issues = (details as { issues?: unknown }).issues;
  return Array.isArray(issues) ? issues.filter(isManifestIssue) : [];
}

/** `path (line L, column C)` for every issue that has the e-mail code `code`. */
function locatedFields(code: CodeName, issues: readonly ManifestIssue[]): string | null {
  const located = issues
    .filter((issue) => isCodeName(issue.code) && emailCodeFor(issue.code) === code)
    .map((issue) => `${issue.path || '(document)'} (line ${issue.line}, column ${issue.column})`);
  return located.length > 0 ? located.join(', ') : null;
}

/**
 * Anything JobService or Permissions threw, as the e-mail reply's error:
 * - the seed's e-mail code for the same situation (emailCodeFor: InvalidJobIdException -> InvalidJobId,
 *   BucketPermissionException -> AccessDenied, InvalidAccessKeyIdException -> `InvalidAccess Key ID` ...);
 * - JobService's "no manifest" (MissingParameterException for Manifest) -> MissingManifestAttachment;
 * - a catalog code with no e-mail counterpart (CreateJobQuotaExceededException,
 *   UnableToUpdateJobIdException) keeps its own code, message and action: no seed code describes it,
 *   and InternalError would tell the customer to retry something that cannot succeed;
 * - anything else -> InternalError, with the cause kept for the log.
 * INVALID_FIELD / MISSING_FIELD name each field of the reply's code with its line and column.
 */
export function mailError(err: unknown): MailError {
  const error = toCatalogError(err);
  if (error.code === 'MissingParameterException' && error.params['parameter'] === 'Manifest') {
    return { code: 'MissingManifestAttachment', params: {}, issues: [] };
  }
  const code = emailCodeFor(error.code) ?? error.code;
  const issues = issuesOf(error.details);
  const fields = locatedFields(code, issues) ?? error.params['fields'];
  const params: MessageParams = { ...error.params };
  if (fields !== undefined) params['fields'] = fields;
  else if (entryOf(code).message.includes('{fields}')) params['fields'] = '(document)';
  const mapped: MailError = { code, params, issues };
  if (error.code === 'InternalError') mapped.cause = (error as { cause?: unknown }).cause ?? error;
  return mapped;
}
