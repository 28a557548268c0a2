import type {
  Artifact,
  CreateJobOutput,
  GetShippingLabelOutput,
  GetStatusOutput,
  ListJobsOutput,
  UpdateJobOutput,
} from './importexport-client.js';
import { formatTable } from './output.js';

// The readable (non --json) output of the customer commands.

const NONE = '-';

function artifactRows(artifacts: readonly Artifact[] | undefined): [string, string][] {
  return (artifacts ?? []).map((a) => [
    'artifact',
    [a.Description, a.URL].filter((part) => part !== undefined && part !== '').join(': ') || NONE,
  ]);
}

/** Multi-line text under a heading, each line indented by two spaces. */
function block(heading: string, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return `${heading}\n${lines.map((line) => (line === '' ? '' : `  ${line}`)).join('\n')}\n`;
}

/** create-job: the job, its signature and warning, and where the SIGNATURE file went. */
export function formatCreateJob(result: CreateJobOutput, signaturePath: string | undefined): string {
  const rows: [string, string][] = [
    ['job type', result.JobType ?? NONE],
    ['signature', result.Signature ?? NONE],
  ];
  if (result.WarningMessage) rows.push(['warning', result.WarningMessage]);
  rows.push(...artifactRows(result.ArtifactList));
  const table = formatTable(['job ID', result.JobId ?? NONE], rows);
  if (signaturePath === undefined) return table;
  return `${table}\nWrote the SIGNATURE file to ${signaturePath}.\nCopy it to the root of the device before you ship the device.\n`;
}

/** create-job --validate-only and update-job --validate-only. */
export function formatValidated(what: string, warning: string | undefined): string {
  const lines = [`The manifest is valid; ${what} (--validate-only).`];
  if (warning) lines.push(`Warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** get-status: every member of GetStatusResult. */
export function formatStatus(status: GetStatusOutput): string {
  const code = (value: string | undefined, message: string | undefined): string =>
    [value, message].filter((part) => part !== undefined && part !== '').join(': ') || NONE;
  const log =
    status.LogBucket || status.LogKey ? `s3://${status.LogBucket ?? ''}/${status.LogKey ?? ''}` : NONE;
  const rows: [string, string][] = [
    ['job type', status.JobType ?? NONE],
    ['location', code(status.LocationCode, status.LocationMessage)],
    ['progress', code(status.ProgressCode, status.ProgressMessage)],
    ['created', status.CreationDate ?? NONE],
    ['carrier', status.Carrier || NONE],
    ['tracking number', status.TrackingNumber || NONE],
    ['log', log],
    ['errors', status.ErrorCount === undefined ? NONE : String(status.ErrorCount)],
    ['signature', status.Signature || NONE],
    ...artifactRows(status.ArtifactList),
  ];
  let text = formatTable(['job ID', status.JobId ?? NONE], rows);
  if (status.SignatureFileContents) text += `\n${block('SIGNATURE file:', status.SignatureFileContents)}`;
  if (status.CurrentManifest) text += `\n${block('current manifest:', status.CurrentManifest)}`;
  return text;
}

/** AWS CLI booleans in text output. */
const pythonBool = (value: boolean | undefined): string =>
  value === undefined ? NONE : value ? 'True' : 'False';

/**
 * list-jobs: one tab-separated line per job as the AWS CLI's text output prints it
 * (`JOBS  2015-05-27T18:58:21Z  False  EX1ID  Import`), then how to get the next page.
 */
export function formatJobList(list: ListJobsOutput): string {
  const jobs = list.Jobs ?? [];
  if (jobs.length === 0) return 'No jobs.\n';
  const lines = jobs.map((job) =>
    [
      'JOBS',
      job.CreationDate ?? NONE,
      pythonBool(job.IsCanceled),
      job.JobId ?? NONE,
      job.JobType ?? NONE,
    ].join('\t'),
  );
  const last = jobs[jobs.length - 1]?.JobId;
  if (list.IsTruncated && last) lines.push(`More jobs follow: longshore list-jobs --marker ${last}`);
  return `${lines.join('\n')}\n`;
}

/** update-job: the outcome, the warning, and the new SIGNATURE file. */
export function formatUpdateJob(
  jobId: string,
  result: UpdateJobOutput,
  signaturePath: string | undefined,
): string {
  const lines = [`Updated job ${jobId}.`];
  if (result.WarningMessage) lines.push(`Warning: ${result.WarningMessage}`);
  for (const [, artifact] of artifactRows(result.ArtifactList)) lines.push(`Artifact: ${artifact}`);
  if (signaturePath !== undefined) {
    lines.push(
      `Wrote the new SIGNATURE file to ${signaturePath}; the old one is no longer valid.`,
      'Copy it to the root of the device before you ship the device.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** get-shipping-label: the URL first (as the AWS CLI prints it), then the warning and the saved file. */
export function formatShippingLabel(result: GetShippingLabelOutput, savedTo: string | undefined): string {
  const lines = [result.ShippingLabelURL ?? NONE];
  if (result.Warning) lines.push(`Warning: ${result.Warning}`);
  if (savedTo !== undefined) lines.push(`Saved the shipping label to ${savedTo}.`);
  return `${lines.join('\n')}\n`;
}
