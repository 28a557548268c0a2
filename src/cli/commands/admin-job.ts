import type { Command } from 'commander';
import type { JobResponse } from '../../api/admin/index.js';
import { JOB_ID_ALPHABET, normaliseJobId } from '../../jobs/index.js';
import type { CliIo } from '../io.js';
import { formatTable, printResult, yesNo } from '../output.js';
import { usageInvalid } from '../usage-errors.js';
import { adminLeaf } from './admin-leaf.js';

type Flags = Record<string, unknown>;
type JobView = JobResponse['job'];
type JobEventView = JobResponse['history'][number];

/**
 * A job ID: 5 characters of JOB_ID_ALPHABET, case-insensitive; returns the upper-case form.
 * Otherwise a usage error (InvalidParameterException, exit code 2) before any request.
 */
export function jobIdArg(raw: string): string {
  const jobId = normaliseJobId(raw);
  if (jobId === null) {
    usageInvalid(
      'JOB_ID',
      raw,
      `a job ID is 5 characters of ${JOB_ID_ALPHABET} (digits 1-9 and letters except O, any case)`,
    );
  }
  return jobId;
}

/** `AtAWS/Pending`, with `, canceled` when the job was canceled. */
function stateAfter(event: JobEventView): string {
  return `${event.location}/${event.progress}${event.canceled ? ', canceled' : ''}`;
}

/** The job as `label  value` lines. */
export function formatJob(job: JobView): string {
  const rows: [string, string][] = [
    ['owner', job.owner],
    ['type', job.jobType],
    ['location', `${job.locationCode}: ${job.locationMessage}`],
    ['progress', `${job.progressCode}: ${job.progressMessage}`],
    ['canceled', yesNo(job.isCanceled)],
    ['created', job.creationDate],
  ];
  if (job.carrier) rows.push(['carrier', job.carrier]);
  if (job.trackingNumber) rows.push(['tracking number', job.trackingNumber]);
  const hasLog = Boolean(job.logBucket && job.logKey);
  if (hasLog) rows.push(['log', `s3://${job.logBucket}/${job.logKey}`]);
  if (hasLog || job.errorCount > 0) rows.push(['errors', String(job.errorCount)]);
  return formatTable(['job ID', job.jobId], rows);
}

/** The history, oldest first, as a table. */
export function formatHistory(history: readonly JobEventView[]): string {
  if (history.length === 0) return 'No history recorded.\n';
  const rows = history.map((e) => [e.at, e.event, stateAfter(e), e.actor, e.detail ?? '-']);
  return formatTable(['TIME', 'EVENT', 'STATE AFTER', 'ACTOR', 'DETAIL'], rows);
}

/** `admin job show` without --json: the job, a blank line, its history. */
export function formatJobResponse(response: JobResponse): string {
  return `${formatJob(response.job)}\n${formatHistory(response.history)}`;
}

/** `admin job show` (read-only). */
export function registerJobCommands(job: Command, io: CliIo): void {
  const show = job
    .command('show')
    .description("show a job's status, owner and history")
    .argument('<JOB_ID>', 'the job (5 characters, any case)', jobIdArg);
  const runShow = adminLeaf(show, io);
  show.action((jobId: string, flags: Flags) =>
    runShow(flags, async ({ client, config }) => {
      const result = await client.job(jobId);
      printResult(io, config.json, result, formatJobResponse(result));
    }),
  );
}
