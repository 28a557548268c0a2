import { computeSignature, signatureFileContents } from '../../../src/jobs/index.js';
import { errorXml, members, successXml, xmlText, type SeenRequest, type StubHandler } from './stub-api.js';

// Golden answers of the 2010-06-01 model, one per operation, with its exact member names.

export const ACCESS_KEY = 'LSIA0000000000000001';
export const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const JOB_ID = 'K7M2P';

export const MANIFEST = `manifestVersion: 2.0
bucket: photos
deviceId: WD-12345
eraseDevice: yes
returnAddress:
  name: Jane Roe & Sons
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
`;

const STATION_KEY = Buffer.alloc(32, 7);

export function signatureOf(jobId: string, manifest: string): string {
  return computeSignature(STATION_KEY, jobId, manifest);
}

/** The SIGNATURE file of DECISIONS §3 for a job and manifest. */
export function signatureFileOf(jobId: string, manifest: string): string {
  return signatureFileContents(jobId, signatureOf(jobId, manifest));
}

export const SIGNATURE = signatureOf(JOB_ID, MANIFEST);
export const SIGNATURE_FILE = signatureFileOf(JOB_ID, MANIFEST);

/** A request's parameter (the last one with that name). */
export function param(request: SeenRequest, name: string): string | undefined {
  return request.params.filter(([key]) => key === name).pop()?.[1];
}

export const createJobXml = (jobId = JOB_ID, manifest = MANIFEST, warning?: string): string =>
  successXml(
    'CreateJob',
    [
      members({
        JobId: jobId,
        JobType: 'Import',
        Signature: signatureOf(jobId, manifest),
        SignatureFileContents: signatureFileOf(jobId, manifest),
      }),
      warning === undefined ? '' : members({ WarningMessage: warning }),
      '    <ArtifactList/>',
    ]
      .filter((part) => part !== '')
      .join('\n'),
  );

export const validateOnlyXml = (warning: string): string =>
  successXml('CreateJob', members({ WarningMessage: warning }));

export const GET_STATUS_FIELDS = {
  JobId: JOB_ID,
  JobType: 'Import',
  LocationCode: 'Returned',
  LocationMessage: 'The device was sent back with UPS; tracking number 1Z999AA10123456784.',
  ProgressCode: 'SuccessWithErrors',
  ProgressMessage: 'The load finished, but 2 file(s) failed; the import log lists them.',
  Carrier: 'UPS',
  TrackingNumber: '1Z999AA10123456784',
  LogBucket: 'photos',
  LogKey: 'import-log-K7M2P.csv',
  ErrorCount: 2,
  Signature: SIGNATURE,
  SignatureFileContents: SIGNATURE_FILE,
  CurrentManifest: MANIFEST,
  CreationDate: '2026-03-02T10:00:00Z',
};

export const getStatusXml = (fields: Record<string, string | number> = GET_STATUS_FIELDS): string =>
  successXml(
    'GetStatus',
    `${members(fields)}
    <ArtifactList>
      <member>
        <Description>Import log</Description>
        <URL>s3://photos/import-log-K7M2P.csv</URL>
      </member>
    </ArtifactList>`,
  );

export const LISTED_JOBS = [
  { JobId: 'K7M2P', CreationDate: '2026-03-02T10:00:00Z', IsCanceled: false, JobType: 'Import' },
  { JobId: 'EX1ID', CreationDate: '2015-05-27T18:58:21Z', IsCanceled: true, JobType: 'Export' },
];

export const listJobsXml = (truncated: boolean, jobs = LISTED_JOBS): string =>
  successXml(
    'ListJobs',
    `    <Jobs>
${jobs.map((job) => `      <member>\n${members(job, '        ')}\n      </member>`).join('\n')}
    </Jobs>
    <IsTruncated>${truncated}</IsTruncated>`,
  );

export const updateJobXml = (warning = '**** Device will be erased before being returned. ****'): string =>
  successXml('UpdateJob', `${members({ Success: true, WarningMessage: warning })}\n    <ArtifactList/>`);

export const cancelJobXml = (success = true): string =>
  successXml('CancelJob', members({ Success: success }));

export const shippingLabelXml = (url: string, warning?: string): string =>
  successXml(
    'GetShippingLabel',
    members(warning === undefined ? { ShippingLabelURL: url } : { ShippingLabelURL: url, Warning: warning }),
  );

/** The stub's default answers. */
export const GOLDEN: Record<string, StubHandler> = {
  CreateJob: (request) =>
    param(request, 'ValidateOnly') === 'true'
      ? { xml: validateOnlyXml('') }
      : { xml: createJobXml(JOB_ID, param(request, 'Manifest') ?? '') },
  GetStatus: (request) =>
    param(request, 'JobId') === JOB_ID
      ? { xml: getStatusXml() }
      : { status: 400, xml: errorXml('InvalidJobIdException', 'The job ID was not found.') },
  ListJobs: () => ({ xml: listJobsXml(false) }),
  UpdateJob: () => ({ xml: updateJobXml() }),
  CancelJob: () => ({ xml: cancelJobXml() }),
  GetShippingLabel: () => ({ xml: shippingLabelXml('https://labels.invalid/label.pdf') }),
};

export { errorXml, xmlText };
