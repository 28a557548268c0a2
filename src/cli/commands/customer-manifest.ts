import type { Command } from 'commander';
import { CatalogError } from '../../catalog/index.js';
import { jobIdArg, jobTypeArg, readManifestFile } from '../customer-args.js';
import { formatCreateJob, formatUpdateJob, formatValidated } from '../customer-format.js';
import { checkSignatureTarget, signatureFilePath, writeSignatureFile } from '../customer-signature-file.js';
import type { ImportExportClient, JobType } from '../importexport-client.js';
import type { CliIo } from '../io.js';
import { printResult } from '../output.js';
import { customerLeaf } from './customer-leaf.js';

type Flags = Record<string, unknown>;

const SIGNATURE_FILE_HELP =
  'where to write the SIGNATURE file (a folder, such as the mounted device, gets FOLDER/SIGNATURE; default ./SIGNATURE)';
const FORCE_HELP = 'replace an existing file at the --signature-file path';

/** The server's answer lacks something the command cannot do without. */
function incompleteAnswer(operation: string, member: string): CatalogError {
  return new CatalogError(
    'InternalError',
    {},
    {
      reason: `the server's ${operation} answer has no ${member}; check --endpoint-url (LONGSHORE_ENDPOINT)`,
    },
  );
}

/**
 * The job exists (created or updated) but its SIGNATURE file could not be written: the same
 * error, with how to get the SIGNATURE again.
 */
function signatureNotWritten(err: unknown, jobId: string): unknown {
  if (!(err instanceof CatalogError)) return err;
  const details = (err.details ?? {}) as Record<string, unknown>;
  const reason = `${String(details.reason ?? err.message)}. Job ${jobId} was saved on the server; print its SIGNATURE with \`longshore get-status --job-id ${jobId}\``;
  return new CatalogError(err.code, err.params, { ...details, reason });
}

/**
 * What create-job and update-job share before calling the API: the manifest file read and
 * checked, and (unless --validate-only) where the SIGNATURE goes, refused early if another job's
 * SIGNATURE is there (`jobId` null: any existing SIGNATURE file is another job's).
 */
async function prepareSubmission(io: CliIo, flags: Flags, jobId: string | null) {
  const manifest = await readManifestFile(io.cwd, flags.manifest as string);
  const validateOnly = Boolean(flags.validateOnly);
  const force = Boolean(flags.force);
  const target = validateOnly
    ? undefined
    : await signatureFilePath(io.cwd, flags.signatureFile as string | undefined);
  if (target !== undefined) await checkSignatureTarget(target, jobId, force);
  return { manifest, validateOnly, force, target };
}

/** `longshore create-job --job-type Import --manifest FILE [--validate-only] [--signature-file PATH]`. */
export function registerCreateJob(program: Command, io: CliIo): void {
  const cmd = program
    .command('create-job')
    .description('create a job from a manifest file and write its SIGNATURE file')
    .requiredOption('--job-type <TYPE>', 'Import or Export (any case)', jobTypeArg)
    .requiredOption('--manifest <FILE>', 'the YAML manifest file (at most 1 MiB; file://FILE also works)')
    .option('--validate-only', 'only check the manifest: create no job and write no file')
    .option('--signature-file <PATH>', SIGNATURE_FILE_HELP)
    .option('--force', FORCE_HELP);
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      // A new job's SIGNATURE never matches an existing file: refuse before creating the job.
      const { manifest, validateOnly, force, target } = await prepareSubmission(io, flags, null);

      const result = await (
        await client()
      ).createJob({
        JobType: flags.jobType as JobType,
        Manifest: manifest.text,
        ValidateOnly: validateOnly,
      });
      if (target === undefined) {
        printResult(io, config.json, result, formatValidated('no job was created', result.WarningMessage));
        return;
      }
      const { JobId: jobId, SignatureFileContents: contents } = result;
      if (!jobId) throw incompleteAnswer('CreateJob', 'JobId');
      if (!contents) throw incompleteAnswer('CreateJob', 'SignatureFileContents');
      try {
        await writeSignatureFile(target, contents, jobId, force);
      } catch (err) {
        printResult(io, config.json, result, formatCreateJob(result, undefined));
        throw signatureNotWritten(err, jobId);
      }
      printResult(io, config.json, { ...result, SignatureFilePath: target }, formatCreateJob(result, target));
    }),
  );
}

/** JobType for UpdateJob: --job-type, else the job's current type (so an Export job stays one). */
async function jobTypeFor(client: ImportExportClient, jobId: string, given: unknown): Promise<JobType> {
  if (given !== undefined) return given as JobType;
  const current = (await client.getStatus(jobId)).JobType?.toLowerCase();
  return current === 'export' ? 'Export' : 'Import';
}

/**
 * `longshore update-job --job-id ID --manifest FILE [--job-type Import] [--validate-only]`. The
 * update gives the job a new SIGNATURE (DECISIONS §3), so the command fetches it with GetStatus
 * and writes it like create-job; the old SIGNATURE file of the same job is replaced.
 */
export function registerUpdateJob(program: Command, io: CliIo): void {
  const cmd = program
    .command('update-job')
    .description("replace a job's manifest (before loading starts) and write its new SIGNATURE file")
    .requiredOption('--job-id <ID>', 'the job (5 characters, any case)', jobIdArg('--job-id'))
    .requiredOption('--manifest <FILE>', 'the new YAML manifest file (at most 1 MiB; file://FILE also works)')
    .option('--job-type <TYPE>', "Import or Export (default: the job's current type)", jobTypeArg)
    .option('--validate-only', 'only check the manifest: change nothing and write no file')
    .option('--signature-file <PATH>', SIGNATURE_FILE_HELP)
    .option('--force', FORCE_HELP);
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      const jobId = flags.jobId as string;
      const { manifest, validateOnly, force, target } = await prepareSubmission(io, flags, jobId);

      const api = await client();
      const jobType = await jobTypeFor(api, jobId, flags.jobType);
      const result = await api.updateJob({
        JobId: jobId,
        Manifest: manifest.text,
        JobType: jobType,
        ValidateOnly: validateOnly,
      });
      if (result.Success === false) throw new CatalogError('UnableToUpdateJobIdException');
      if (target === undefined) {
        const what = `job ${jobId} was not changed`;
        printResult(
          io,
          config.json,
          { ...result, JobId: jobId },
          formatValidated(what, result.WarningMessage),
        );
        return;
      }
      let contents: string | undefined;
      try {
        contents = (await api.getStatus(jobId)).SignatureFileContents;
        if (!contents) throw incompleteAnswer('GetStatus', 'SignatureFileContents');
        await writeSignatureFile(target, contents, jobId, force);
      } catch (err) {
        printResult(io, config.json, { ...result, JobId: jobId }, formatUpdateJob(jobId, result, undefined));
        throw signatureNotWritten(err, jobId);
      }
      const value = { ...result, JobId: jobId, SignatureFileContents: contents, SignatureFilePath: target };
      printResult(io, config.json, value, formatUpdateJob(jobId, result, target));
    }),
  );
}
