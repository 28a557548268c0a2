import { CatalogError } from '../catalog/index.js';
import { jobStatusView, type StationJobs } from '../jobs/index.js';
import type { JobRecord } from '../store/index.js';
import type { StationControl, StationJobView } from './port.js';

/** The job as a station sees it. */
export function stationJobView(record: JobRecord): StationJobView {
  const { jobId, locationCode, locationMessage, progressCode, progressMessage, isCanceled } =
    jobStatusView(record);
  return { jobId, locationCode, locationMessage, progressCode, progressMessage, isCanceled };
}

/**
 * StationControl over StationJobs in the same process: the admin API's station routes and the
 * embedded station use it. A second receive of a job already AtAWS/Pending is not an error: it
 * lets an operator inspect again after a crash or a wrong cable.
 */
export function localStationControl(jobs: StationJobs, station: string): StationControl {
  return {
    async receive(jobId) {
      try {
        return { job: stationJobView(await jobs.receiveDevice(jobId, station)), alreadyReceived: false };
      } catch (err) {
        if (!(err instanceof CatalogError) || err.code !== 'InvalidJobState') throw err;
        const job = await jobs.job(jobId);
        if (job.location !== 'AtAWS' || job.progress !== 'Pending' || job.canceled) throw err;
        return { job: stationJobView(job), alreadyReceived: true };
      }
    },
    async failInspection(jobId, failure, detail) {
      return stationJobView(await jobs.failInspection(jobId, station, failure, detail));
    },
    async checkSignature(jobId, signatureText, detail) {
      const { job, verdict } = await jobs.inspectSignature(jobId, station, signatureText, detail);
      const valid = verdict === 'valid';
      return { job: stationJobView(job), valid, reason: valid ? null : job.progressMessage };
    },
  };
}
