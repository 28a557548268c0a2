import { renderMessage } from '../catalog/index.js';
import type { JobRecord, JobType } from '../store/index.js';
import { signatureFileContents } from './signature.js';

/** An artifact of a job (GetStatus/CreateJob ArtifactList), e.g. a shipping label PDF. */
export interface Artifact {
  description: string;
  url: string;
}

/** Everything GetStatus reports about a job (reference §1.2), rendered from the catalog. */
export interface JobStatusView {
  jobId: string;
  jobType: JobType;
  locationCode: JobRecord['location'];
  locationMessage: string;
  progressCode: JobRecord['progress'];
  progressMessage: string;
  isCanceled: boolean;
  carrier: string | null;
  trackingNumber: string | null;
  logBucket: string | null;
  logKey: string | null;
  errorCount: number;
  signature: string;
  signatureFileContents: string;
  currentManifest: string;
  creationDate: Date;
  artifactList: Artifact[];
}

/** The s3:// location of a job's import log, once it has one. */
export function logUrl(job: Pick<JobRecord, 'logBucket' | 'logKey'>): string | null {
  return job.logBucket && job.logKey ? `s3://${job.logBucket}/${job.logKey}` : null;
}

export function jobStatusView(job: JobRecord): JobStatusView {
  const returned = job.location === 'Returned';
  const progressText = renderMessage(job.progress, {
    logUrl: logUrl(job) ?? '(not written yet)',
    count: job.errorCount ?? 0,
  });
  return {
    jobId: job.jobId,
    jobType: job.jobType,
    locationCode: job.location,
    locationMessage: renderMessage(job.location, {
      carrier: job.carrier ?? '',
      trackingNumber: job.trackingNumber ?? '',
    }),
    progressCode: job.progress,
    progressMessage: job.progressMessage ? `${progressText} ${job.progressMessage}` : progressText,
    isCanceled: job.canceled,
    carrier: returned ? job.carrier : null,
    trackingNumber: returned ? job.trackingNumber : null,
    logBucket: job.logBucket,
    logKey: job.logKey,
    errorCount: job.errorCount ?? 0,
    signature: job.signature,
    signatureFileContents: signatureFileContents(job.jobId, job.signature),
    currentManifest: job.manifestText,
    creationDate: job.createdAt,
    artifactList: [],
  };
}
