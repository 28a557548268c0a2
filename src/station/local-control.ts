import { CatalogError } from '../catalog/index.js';
import { jobStatusView, type StationJobs, type StationLoads } from '../jobs/index.js';
import type { JobLoadRecord, JobRecord } from '../store/index.js';
import type {
  IntakeDevice,
  LoadCheckpoint,
  StationControl,
  StationJobView,
  StationLoadControl,
} from './port.js';

/** The job as a station sees it. */
export function stationJobView(record: JobRecord): StationJobView {
  const { jobId, locationCode, locationMessage, progressCode, progressMessage, isCanceled } =
    jobStatusView(record);
  return { jobId, locationCode, locationMessage, progressCode, progressMessage, isCanceled };
}

function deviceOf(load: JobLoadRecord): IntakeDevice {
  return {
    path: load.devicePath,
    volumeOffset: load.volumeOffset,
    fileSystem: load.fileSystem,
    warnings: load.warnings,
  };
}

function checkpointOf(load: JobLoadRecord): LoadCheckpoint {
  return {
    logBytes: load.logBytes,
    rows: load.logRows,
    files: load.files,
    bytes: load.bytes,
    errors: load.errors,
  };
}

/** The control plane's station services, in the same process. */
export interface StationServices {
  jobs: StationJobs;
  loads: StationLoads;
}

/**
 * StationControl over StationJobs in the same process: the admin API's station routes and the
 * embedded station use it. A second receive of a job already AtAWS/Pending is not an error: it
 * lets an operator inspect again after a crash or a wrong cable.
 */
export function localStationControl(
  services: StationServices,
  station: string,
): StationControl & StationLoadControl {
  const { jobs, loads } = services;
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
    async checkSignature(jobId, signatureText, detail, device) {
      const { job, verdict } = await jobs.inspectSignature(jobId, station, signatureText, detail);
      const valid = verdict === 'valid';
      if (valid) {
        await loads.recordIntakeDevice(job.jobId, station, {
          devicePath: device.path,
          volumeOffset: device.volumeOffset,
          fileSystem: device.fileSystem,
          warnings: [...device.warnings],
        });
      }
      return { job: stationJobView(job), valid, reason: valid ? null : job.progressMessage };
    },
    async returnDevice(jobId, carrier, trackingNumber) {
      return stationJobView(await jobs.returnDevice(jobId, station, carrier, trackingNumber));
    },
    async loadRecord(jobId) {
      const job = await jobs.job(jobId);
      const load = await loads.getLoad(job.jobId);
      return {
        job: stationJobView(job),
        manifestText: job.manifestText,
        device: load ? deviceOf(load) : null,
        figures: load?.startedAt ? { ...checkpointOf(load), seconds: load.seconds ?? 0 } : null,
        finished: load?.finishedAt != null,
      };
    },
    async startLoad(jobId) {
      const { job, load, resumed } = await loads.beginLoad(jobId, station);
      const checkpoint = load.checkpointAt ? checkpointOf(load) : null;
      return {
        job: stationJobView(job),
        manifestText: job.manifestText,
        device: deviceOf(load),
        resumed,
        checkpoint,
      };
    },
    async checkpoint(jobId, cp) {
      return loads.checkpoint(jobId, {
        logBytes: cp.logBytes,
        logRows: cp.rows,
        files: cp.files,
        bytes: cp.bytes,
        errors: cp.errors,
      });
    },
    async finishLoad(jobId, result) {
      const { figures } = result;
      const progress = {
        logBytes: figures.logBytes,
        logRows: figures.rows,
        files: figures.files,
        bytes: figures.bytes,
        errors: figures.errors,
      };
      const job = await loads.endLoad(jobId, station, {
        logBucket: result.logBucket,
        logKey: result.logKey,
        warning: result.warning,
        progress,
        seconds: figures.seconds,
      });
      return stationJobView(job);
    },
  };
}
