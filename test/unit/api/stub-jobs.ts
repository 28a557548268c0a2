import type { QueryJobs } from '../../../src/api/query/index.js';
import type { IssuedLabel, LabelRequest, ShippingLabels } from '../../../src/api/labels/types.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { signatureFileContents, type JobStatusView } from '../../../src/jobs/index.js';

/** The fixed clock of the golden tests. */
export const NOW = new Date('2026-03-02T10:00:00Z');
const CREATED = new Date('2026-02-27T08:30:15.250Z');

function status(jobId: string, overrides: Partial<JobStatusView>): JobStatusView {
  return {
    jobId,
    jobType: 'Import',
    locationCode: 'NotReceived',
    locationMessage: 'The device has not arrived at the loading station yet.',
    progressCode: 'Pending',
    progressMessage: 'The job has not started.',
    isCanceled: false,
    carrier: null,
    trackingNumber: null,
    logBucket: null,
    logKey: null,
    errorCount: 0,
    signature: 'c2lnbmF0dXJlK3Rlc3Qvdj0=',
    signatureFileContents: signatureFileContents(jobId, 'c2lnbmF0dXJlK3Rlc3Qvdj0='),
    currentManifest: 'manifestVersion: 2.0\r\nbucket: photos\n# <tags> & "quotes" \'n\' Zoë 日本\n',
    creationDate: CREATED,
    artifactList: [],
    ...overrides,
  };
}

const JOBS: Record<string, JobStatusView> = {
  NEW12: status('NEW12', {}),
  RTRND: status('RTRND', {
    locationCode: 'Returned',
    locationMessage: 'The device was returned by UPS, tracking number 1Z999AA10123456784.',
    progressCode: 'SuccessWithErrors',
    progressMessage: 'The load finished with 3 errors; see s3://photos/logs/import-log-RTRND.csv.',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    logBucket: 'photos',
    logKey: 'logs/import-log-RTRND.csv',
    errorCount: 3,
    artifactList: [{ description: 'Shipping label', url: 'https://labels.example/RTRND.pdf?exp=1&sig=a+b' }],
  }),
};

function lookup(jobId: string): JobStatusView {
  if (jobId === 'BOOM1') throw new Error('database on fire');
  const job = JOBS[jobId.toUpperCase()];
  if (!job) throw new CatalogError('InvalidJobIdException', {}, { jobId });
  return job;
}

/** A JobService stand-in with fixed answers, for golden XML (the real one draws random IDs and keys). */
export const fixedJobs: QueryJobs = {
  async createJob(input) {
    const warnings = ['line 3: unknown field "colour" is ignored', 'bucket name has upper-case letters'];
    if (input.validateOnly)
      return { jobId: null, jobType: input.jobType, signature: null, signatureFileContents: null, warnings };
    const signature = 'c2lnbmF0dXJlK3Rlc3Qvdj0=';
    return {
      jobId: 'NEW12',
      jobType: input.jobType,
      signature,
      signatureFileContents: signatureFileContents('NEW12', signature),
      warnings: [],
    };
  },
  async updateJob(input) {
    lookup(input.jobId);
    return { warnings: ['line 3: unknown field "colour" is ignored'] };
  },
  async cancelJob(_caller, jobId) {
    lookup(jobId);
  },
  async getStatus(_caller, jobId) {
    return lookup(jobId);
  },
  async listJobs(_caller, page) {
    if (page.maxJobs === 0) return { jobs: [], isTruncated: false };
    const record = (jobId: string, canceled: boolean, createdAt: Date) => ({
      ...lookup(jobId),
      jobId,
      owner: 'LSIAGOLDENKEY0000001',
      manifestText: '',
      location: 'NotReceived' as const,
      progress: 'Pending' as const,
      progressMessage: null,
      canceled,
      createdAt,
      updatedAt: createdAt,
      expiredAt: null,
    });
    return {
      jobs: [record('RTRND', false, CREATED), record('NEW12', true, new Date('2026-02-20T23:59:59Z'))],
      isTruncated: true,
    };
  },
};

/** A ShippingLabels stand-in with a fixed URL (the real port is another module's). */
export const fixedLabels: ShippingLabels & { baseUrls: string[] } = {
  baseUrls: [],
  async issue(request: LabelRequest, baseUrl: string): Promise<IssuedLabel> {
    this.baseUrls.push(baseUrl);
    for (const jobId of request.jobIds) lookup(jobId);
    return {
      url: `https://longshore.example/labels/${request.jobIds.join(',')}.pdf?expires=1772449200&sig=x/y+z`,
      warning: 'Deliver by 2026-03-09 & keep the label dry <please>.',
    };
  },
};
