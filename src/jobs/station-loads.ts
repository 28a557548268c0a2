import { CatalogError } from '../catalog/index.js';
import type { JobLoadProgress, JobLoadRecord, JobRecord, Store } from '../store/index.js';
import type { LoadResult, StationJobs } from './station-jobs.js';

/** The volume a passed inspection found (kept for the load). */
export interface IntakeDeviceRecord {
  devicePath: string;
  volumeOffset: number | null;
  fileSystem: string;
  warnings: string[];
}

/** A load's end: the log's location and warning (LoadResult without the count) and its figures. */
export interface LoadEnd extends Omit<LoadResult, 'errorCount'> {
  progress: JobLoadProgress;
  seconds: number;
}

/**
 * The load records of jobs (DECISIONS §2 load starts / ends; issue 6 crash safety): where the
 * intake found the volume, the station's checkpoints while it loads, the per-job figures at the
 * end. State changes go through StationJobs, so refusals keep their catalog codes.
 */
export class StationLoads {
  readonly #jobs: StationJobs;
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(jobs: StationJobs, store: Store, now: () => Date = () => new Date()) {
    this.#jobs = jobs;
    this.#store = store;
    this.#now = now;
  }

  async recordIntakeDevice(jobId: string, station: string, device: IntakeDeviceRecord): Promise<void> {
    const job = await this.#jobs.job(jobId);
    await this.#store.recordIntakeDevice({ jobId: job.jobId, station, ...device });
  }

  /**
   * Starts the load of an inspected job (AtAWS/Pending -> InProgress), or hands back the record of
   * a load that is InProgress already, to resume it. InvalidJobState when the device has not
   * passed inspection; CanceledJobIdException for a canceled job that has not started loading.
   */
  async beginLoad(
    jobId: string,
    station: string,
  ): Promise<{ job: JobRecord; load: JobLoadRecord; resumed: boolean }> {
    const current = await this.#jobs.job(jobId);
    const load = await this.#store.getJobLoad(current.jobId);
    if (current.location === 'AtAWS' && current.progress === 'InProgress' && load?.startedAt) {
      return { job: current, load, resumed: true };
    }
    if (!load && !current.canceled && current.location === 'AtAWS' && current.progress === 'Pending') {
      throw new CatalogError('InvalidJobState', { state: 'AtAWS/Pending without a passed inspection' });
    }
    const job = await this.#jobs.startLoad(current.jobId, station);
    const started = await this.#store.markJobLoadStarted(job.jobId, this.#now());
    if (!started) throw new CatalogError('InvalidJobState', { state: `${job.location}/${job.progress}` });
    return { job, load: started, resumed: false };
  }

  /** Records progress; `canceled` tells the station to stop (the customer canceled meanwhile). */
  async checkpoint(jobId: string, progress: JobLoadProgress): Promise<{ canceled: boolean }> {
    const job = await this.#jobs.job(jobId);
    const recorded = await this.#store.checkpointJobLoad(job.jobId, progress, this.#now());
    if (!recorded)
      throw new CatalogError('InvalidJobState', {
        state: `${job.location}/${job.progress} (no load running)`,
      });
    return { canceled: job.canceled };
  }

  /** Ends the load: figures kept, InProgress -> Success / SuccessWithErrors with the log's location. */
  async endLoad(jobId: string, station: string, end: LoadEnd): Promise<JobRecord> {
    const job = await this.#jobs.job(jobId);
    await this.#store.checkpointJobLoad(job.jobId, end.progress, this.#now(), { seconds: end.seconds });
    return this.#jobs.finishLoad(job.jobId, station, {
      errorCount: end.progress.errors,
      logBucket: end.logBucket,
      logKey: end.logKey,
      warning: end.warning ?? null,
    });
  }

  getLoad(jobId: string): Promise<JobLoadRecord | null> {
    return this.#store.getJobLoad(jobId);
  }
}
