import type { FastifyInstance } from 'fastify';
import { jobStatusView, type StationJobs } from '../../jobs/index.js';
import type { JobEventRecord } from '../../store/index.js';
import { showJobSchema } from './schemas.js';
import type { AdminJobEvent, AdminJobView } from './wire.js';

/** What the job routes need of the jobs service: read-only look-ups (StationJobs provides them). */
export type AdminJobs = Pick<StationJobs, 'job' | 'history'>;

function eventView({ jobId: _jobId, ...event }: JobEventRecord): AdminJobEvent {
  return event;
}

/**
 * `GET /jobs/:jobId` -> 200 `{job, history}`: the job as GetStatus reports it plus its owner, and
 * its history oldest first. Job IDs are case-insensitive. Codes: InvalidJobIdException (an
 * unknown or malformed job ID, 400).
 */
export function registerJobRoutes(app: FastifyInstance, jobs: AdminJobs): void {
  app.get<{ Params: { jobId: string } }>('/jobs/:jobId', { schema: showJobSchema }, async (request) => {
    const record = await jobs.job(request.params.jobId);
    const history = await jobs.history(record.jobId);
    const job: AdminJobView = { ...jobStatusView(record), owner: record.owner };
    return { job, history: history.map(eventView) };
  });
}
