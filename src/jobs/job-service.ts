import { CatalogError, invalidParameter } from '../catalog/index.js';
import { checkStanding } from '../accounts/index.js';
import type { JobEventRecord, JobRecord, JobType, Store } from '../store/index.js';
import { checkManifest } from './manifest-checks.js';
import { generateJobId, normaliseJobId } from './job-id.js';
import { jobStatusView, type JobStatusView } from './job-status.js';
import { computeSignature, signatureFileContents } from './signature.js';
import { JobTransitioner, type JobChangeListener } from './job-transitioner.js';

export interface JobServiceOptions {
  store: Store;
  /** The station signing secret (DECISIONS §3), kept server-side. */
  signingKey: Buffer;
  createJobQuota: number;
  stationCountry: string;
  /** Days an expired job still answers GetStatus before ExpiredJobIdException. */
  expiredRetentionDays: number;
  now?: () => Date;
  onChange?: JobChangeListener;
}

export interface SubmitJobInput {
  caller: string;
  jobType: JobType;
  manifestText: string;
  validateOnly: boolean;
  /** Who asked: 'api', 'email', 'cli' ... recorded in the job's history. */
  actor: string;
}

export interface CreatedJob {
  /** Null when validateOnly was set. */
  jobId: string | null;
  jobType: JobType;
  signature: string | null;
  signatureFileContents: string | null;
  warnings: string[];
}

const DAY_MS = 86_400_000;
const MAX_ID_ATTEMPTS = 20;

/**
 * The customer side of the job lifecycle (CreateJob, UpdateJob, CancelJob, GetStatus, ListJobs),
 * shared by the API, e-mail and CLI channels. The station side lives in StationJobs.
 */
export class JobService {
  readonly #opts: JobServiceOptions;
  readonly #transitions: JobTransitioner;

  constructor(opts: JobServiceOptions) {
    this.#opts = opts;
    this.#transitions = new JobTransitioner(opts.store, this.#now, opts.onChange);
  }

  /** Checks in DECISIONS §5 order, then the daily quota (CreateJobQuotaExceededException). */
  async createJob(input: SubmitJobInput): Promise<CreatedJob> {
    await this.#requireCustomer(input.caller);
    const { warnings } = await this.#checkManifest(input);
    if (input.validateOnly) {
      return { jobId: null, jobType: input.jobType, signature: null, signatureFileContents: null, warnings };
    }
    const job = await this.#insertJob(input);
    return {
      jobId: job.jobId,
      jobType: job.jobType,
      signature: job.signature,
      signatureFileContents: signatureFileContents(job.jobId, job.signature),
      warnings,
    };
  }

  /** Replaces the manifest (and so the signature) of a Pending job before loading starts. */
  async updateJob(input: SubmitJobInput & { jobId: string }): Promise<{ warnings: string[] }> {
    await this.#requireCustomer(input.caller);
    const job = await this.#ownedJob(input.caller, input.jobId);
    this.#transitions.check(job, 'update');
    const { warnings } = await this.#checkManifest(input);
    if (input.validateOnly) return { warnings };
    await this.#transitions.apply(job, 'update', input.actor, {
      patch: {
        jobType: input.jobType,
        manifestText: input.manifestText,
        signature: computeSignature(this.#opts.signingKey, job.jobId, input.manifestText),
      },
      detail: 'manifest replaced; the previous SIGNATURE is no longer valid',
    });
    return { warnings };
  }

  async cancelJob(caller: string, jobIdInput: string, actor: string): Promise<void> {
    await this.#requireCustomer(caller);
    const job = await this.#ownedJob(caller, jobIdInput);
    await this.#transitions.apply(job, 'cancel', actor, {});
  }

  /** CanceledJobIdException for canceled jobs; ExpiredJobIdException once an expired job's retention ends. */
  async getStatus(caller: string, jobIdInput: string): Promise<JobStatusView> {
    await this.#requireCustomer(caller);
    const job = await this.#ownedJob(caller, jobIdInput);
    if (job.canceled) throw new CatalogError('CanceledJobIdException');
    if (job.progress === 'Expired' && this.#retentionOver(job))
      throw new CatalogError('ExpiredJobIdException');
    return jobStatusView(job);
  }

  /** Newest first; canceled jobs included (IsCanceled). MaxJobs 0-1000, Marker = a job ID of the caller. */
  async listJobs(
    caller: string,
    page: { marker?: string; maxJobs?: number },
  ): Promise<{ jobs: JobRecord[]; isTruncated: boolean }> {
    await this.#requireCustomer(caller);
    const limit = page.maxJobs ?? 100;
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000) {
      throw invalidParameter('MaxJobs', page.maxJobs);
    }
    let afterJobId: string | undefined;
    if (page.marker !== undefined && page.marker !== '') {
      afterJobId = await this.#markerJobId(caller, page.marker);
    }
    const rows = await this.#opts.store.listJobs({ owner: caller, afterJobId, limit: limit + 1 });
    return { jobs: rows.slice(0, limit), isTruncated: rows.length > limit };
  }

  async history(caller: string, jobIdInput: string): Promise<JobEventRecord[]> {
    const job = await this.#ownedJob(caller, jobIdInput);
    return this.#opts.store.jobHistory(job.jobId);
  }

  async #requireCustomer(caller: string): Promise<void> {
    const account = await this.#opts.store.getAccount(caller);
    if (!account) throw new CatalogError('InvalidClientTokenId');
    checkStanding(account);
  }

  /** InvalidJobIdException for a malformed, unknown or someone else's job ID. */
  async #ownedJob(caller: string, jobIdInput: string): Promise<JobRecord> {
    const jobId = normaliseJobId(jobIdInput);
    const job = jobId ? await this.#opts.store.getJob(jobId) : null;
    if (!job || job.owner !== caller)
      throw new CatalogError('InvalidJobIdException', {}, { jobId: jobIdInput });
    return job;
  }

  async #markerJobId(caller: string, marker: string): Promise<string> {
    const jobId = normaliseJobId(marker);
    const job = jobId ? await this.#opts.store.getJob(jobId) : null;
    if (!job || job.owner !== caller) {
      throw invalidParameter('Marker', marker);
    }
    return job.jobId;
  }

  #checkManifest(input: SubmitJobInput) {
    return checkManifest(input.manifestText, input.jobType, input.caller, {
      stationCountry: this.#opts.stationCountry,
      getBucket: (name) => this.#opts.store.getBucket(name),
    });
  }

  async #insertJob(input: SubmitJobInput): Promise<JobRecord> {
    const now = this.#now();
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const job = this.#newJobRecord(generateJobId(), input, now);
      const outcome = await this.#opts.store.createJob(
        job,
        { event: 'create', at: now, actor: input.actor },
        { limit: this.#opts.createJobQuota, since },
      );
      if (outcome.ok) {
        this.#opts.onChange?.(outcome.job, 'create');
        return outcome.job;
      }
      if (outcome.reason === 'quota') {
        throw new CatalogError('CreateJobQuotaExceededException', { limit: this.#opts.createJobQuota });
      }
    }
    throw new Error(`no free job ID after ${MAX_ID_ATTEMPTS} attempts`);
  }

  #newJobRecord(jobId: string, input: SubmitJobInput, now: Date): JobRecord {
    return {
      jobId,
      owner: input.caller,
      jobType: input.jobType,
      manifestText: input.manifestText,
      signature: computeSignature(this.#opts.signingKey, jobId, input.manifestText),
      location: 'NotReceived',
      progress: 'Pending',
      progressMessage: null,
      canceled: false,
      createdAt: now,
      updatedAt: now,
      expiredAt: null,
      carrier: null,
      trackingNumber: null,
      logBucket: null,
      logKey: null,
      errorCount: null,
    };
  }

  #retentionOver(job: JobRecord): boolean {
    const expiredAt = job.expiredAt ?? job.updatedAt;
    return this.#now().getTime() - expiredAt.getTime() > this.#opts.expiredRetentionDays * DAY_MS;
  }

  readonly #now = (): Date => (this.#opts.now ?? (() => new Date()))();
}
