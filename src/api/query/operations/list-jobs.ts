import type { JobService } from '../../../jobs/index.js';
import { field, list } from '../xml.js';
import type { Operation } from './operation.js';

type ListedJob = Awaited<ReturnType<JobService['listJobs']>>['jobs'][number];

function jobXml(job: ListedJob): string {
  return (
    field('JobId', job.jobId) +
    field('CreationDate', job.createdAt) +
    field('IsCanceled', job.canceled) +
    field('JobType', job.jobType)
  );
}

/**
 * ListJobs: MaxJobs (integer, 0-1000, default 100) and Marker (a job ID to start after), newest
 * first, canceled jobs included. Codes: InvalidParameterException.
 */
export const listJobs: Operation = {
  name: 'ListJobs',
  async run({ caller, params, jobs }) {
    const maxJobs = params.optionalInteger('MaxJobs');
    const marker = params.optionalString('Marker');
    const page = await jobs.listJobs(caller, { maxJobs, marker });
    return list('Jobs', page.jobs.map(jobXml)) + field('IsTruncated', page.isTruncated);
  },
};
