import { CatalogError, missingParameter } from '../catalog/index.js';
import type { JobEventRecord, JobRecord, Store } from '../store/index.js';
import { normaliseJobId } from './job-id.js';
import { JobTransitioner, type JobChangeListener } from './job-transitioner.js';
import { verifySignatureFile, type SignatureVerdict } from './signature.js';
import type { InspectionFailure } from './transitions.js';

export interface StationJobsOptions {
  store: Store;
  signingKey: Buffer;
  now?: () => Date;
  onChange?: JobChangeListener;
}

/** Why a SIGNATURE file was refused, as the job's ProgressMessage and history say it. */
const SIGNATURE_REFUSALS: Record<Exclude<SignatureVerdict, 'valid'>, string> = {
  malformed:
    'The SIGNATURE file is not a signature file (version:2.0, signingMethod:HmacSHA256, jobId, signature lines).',
  'wrong-job': 'The SIGNATURE file was issued for another job.',
  mismatch:
    "The SIGNATURE does not match the job's current manifest (was the job updated after the file was copied?).",
};

export interface LoadResult {
  errorCount: number;
  logBucket: string;
  logKey: string;
  /** A note for the customer, e.g. an ext3 journal that was not replayed (DECISIONS §9). */
  warning?: string | null;
}

/**
 * The station side of the job lifecycle (DECISIONS §2): receive, inspection, load, return.
 * `station` names the loading station in the job's history (`station:<name>`).
 * Refusals: InvalidJobIdException, CanceledJobIdException, ExpiredJobIdException, InvalidJobState.
 */
export class StationJobs {
  readonly #opts: StationJobsOptions;
  readonly #transitions: JobTransitioner;

  constructor(opts: StationJobsOptions) {
    this.#opts = opts;
    this.#transitions = new JobTransitioner(
      opts.store,
      () => (opts.now ?? (() => new Date()))(),
      opts.onChange,
    );
  }

  async job(jobIdInput: string): Promise<JobRecord> {
    const jobId = normaliseJobId(jobIdInput);
    const job = jobId ? await this.#opts.store.getJob(jobId) : null;
    if (!job) throw new CatalogError('InvalidJobIdException', {}, { jobId: jobIdInput });
    return job;
  }

  /** The job's history, oldest first (for operators; customers use JobService.history). */
  async history(jobIdInput: string): Promise<JobEventRecord[]> {
    const job = await this.job(jobIdInput);
    return this.#opts.store.jobHistory(job.jobId);
  }

  /** NotReceived/Pending -> AtAWS/Pending. */
  async receiveDevice(jobId: string, station: string): Promise<JobRecord> {
    return this.#apply(jobId, 'receive', station, { detail: 'device received' });
  }

  /** Records a passed inspection in the history; the state does not change. */
  async passInspection(jobId: string, station: string, detail: string): Promise<JobRecord> {
    return this.#apply(jobId, 'inspection-pass', station, { detail });
  }

  /** AtAWS/Pending -> AtAWS/<failure>; the device is never loaded and is returned as usual. */
  async failInspection(
    jobId: string,
    station: string,
    failure: InspectionFailure,
    detail: string,
  ): Promise<JobRecord> {
    return this.#apply(jobId, 'inspection-fail', station, {
      patch: { progress: failure, progressMessage: detail },
      detail,
    });
  }

  /**
   * The last inspection step (DECISIONS §2): checks the SIGNATURE file read from the device
   * against the job and its current manifest, and records the outcome: a passed inspection
   * (`detail` says what was found), or InvalidSignature with the reason.
   */
  async inspectSignature(
    jobId: string,
    station: string,
    fileText: string,
    detail: string,
  ): Promise<{ job: JobRecord; verdict: SignatureVerdict }> {
    const job = await this.job(jobId);
    const verdict = this.verifySignature(job, fileText);
    if (verdict === 'valid') return { job: await this.passInspection(job.jobId, station, detail), verdict };
    const reason = SIGNATURE_REFUSALS[verdict];
    return { job: await this.failInspection(job.jobId, station, 'InvalidSignature', reason), verdict };
  }

  /** Checks a SIGNATURE file read from the device against the job's current manifest. */
  verifySignature(job: JobRecord, fileText: string): SignatureVerdict {
    return verifySignatureFile(this.#opts.signingKey, job, fileText);
  }

  async startLoad(jobId: string, station: string): Promise<JobRecord> {
    return this.#apply(jobId, 'load-start', station, { detail: 'load started' });
  }

  /** InProgress -> Success (no errors) or SuccessWithErrors, with the log's location. */
  async finishLoad(jobId: string, station: string, result: LoadResult): Promise<JobRecord> {
    const progress = result.errorCount === 0 ? 'Success' : 'SuccessWithErrors';
    return this.#apply(jobId, 'load-end', station, {
      patch: {
        progress,
        errorCount: result.errorCount,
        logBucket: result.logBucket,
        logKey: result.logKey,
        progressMessage: result.warning ?? null,
      },
      detail: `${progress}: ${result.errorCount} error(s), log s3://${result.logBucket}/${result.logKey}`,
    });
  }

  /** AtAWS -> Returned, with carrier and tracking number. */
  async returnDevice(
    jobId: string,
    station: string,
    carrier: string,
    trackingNumber: string,
  ): Promise<JobRecord> {
    if (carrier.trim() === '' || trackingNumber.trim() === '') {
      throw missingParameter(carrier.trim() ? 'trackingNumber' : 'carrier');
    }
    return this.#apply(jobId, 'return', station, {
      patch: { carrier: carrier.trim(), trackingNumber: trackingNumber.trim() },
      detail: `returned by ${carrier.trim()}, tracking ${trackingNumber.trim()}`,
    });
  }

  async #apply(
    jobIdInput: string,
    event: Parameters<JobTransitioner['apply']>[1],
    station: string,
    options: Parameters<JobTransitioner['apply']>[3],
  ): Promise<JobRecord> {
    const job = await this.job(jobIdInput);
    return this.#transitions.apply(job, event, `station:${station}`, options);
  }
}
