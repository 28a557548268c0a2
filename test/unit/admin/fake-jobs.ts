import type { AdminJobs } from '../../../src/api/admin/index.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { normaliseJobId } from '../../../src/jobs/index.js';
import type { JobEventRecord, JobRecord } from '../../../src/store/index.js';

/**
 * A FAKE standing in for the real StationJobs (src/jobs) as the admin API uses it: jobs and their
 * histories held in memory, looked up case-insensitively, with StationJobs' one refusal (unknown or
 * malformed ID -> InvalidJobIdException). It records every call for assertions.
 */
export class FakeJobs implements AdminJobs {
  readonly jobs = new Map<string, JobRecord>();
  readonly events = new Map<string, JobEventRecord[]>();
  readonly calls: { method: string; args: unknown[] }[] = [];

  /** Adds a job (defaults: an Import at AtAWS/Pending) with the given history lines. */
  add(patch: Partial<JobRecord> = {}, events: Partial<JobEventRecord>[] = []): JobRecord {
    const job: JobRecord = {
      jobId: 'ABC12',
      owner: 'LSIA0000000000000001',
      jobType: 'Import',
      manifestText: 'manifestVersion: 2.0\n',
      signature: 'c2lnbmF0dXJl',
      location: 'AtAWS',
      progress: 'Pending',
      progressMessage: null,
      canceled: false,
      createdAt: new Date('2024-05-03T09:00:00Z'),
      updatedAt: new Date('2024-05-04T10:00:00Z'),
      expiredAt: null,
      carrier: null,
      trackingNumber: null,
      logBucket: null,
      logKey: null,
      errorCount: null,
      ...patch,
    };
    this.jobs.set(job.jobId, job);
    this.events.set(
      job.jobId,
      events.map((e, i) => ({
        jobId: job.jobId,
        seq: i + 1,
        at: new Date(Date.UTC(2024, 4, 3 + i, 9)),
        event: 'create',
        location: 'NotReceived',
        progress: 'Pending',
        canceled: false,
        actor: 'api',
        detail: null,
        ...e,
      })),
    );
    return job;
  }

  clear(): void {
    this.jobs.clear();
    this.events.clear();
    this.calls.length = 0;
  }

  async job(jobIdInput: string): Promise<JobRecord> {
    this.calls.push({ method: 'job', args: [jobIdInput] });
    return this.#find(jobIdInput);
  }

  async history(jobIdInput: string): Promise<JobEventRecord[]> {
    this.calls.push({ method: 'history', args: [jobIdInput] });
    const job = this.#find(jobIdInput);
    return this.events.get(job.jobId) ?? [];
  }

  #find(jobIdInput: string): JobRecord {
    const jobId = normaliseJobId(jobIdInput);
    const job = jobId ? this.jobs.get(jobId) : undefined;
    if (!job) throw new CatalogError('InvalidJobIdException', {}, { jobId: jobIdInput });
    return job;
  }
}
