/** The model's shapes (botocore importexport 2010-06-01) as the customer client reads them. */

// ---- the model's shapes (botocore importexport 2010-06-01), member names as on the wire ----

export type JobType = 'Import' | 'Export';

export interface Artifact {
  Description?: string;
  URL?: string;
}

export interface CreateJobInput {
  JobType: JobType;
  Manifest: string;
  ValidateOnly: boolean;
  ManifestAddendum?: string;
}

export interface CreateJobOutput {
  JobId?: string;
  JobType?: string;
  Signature?: string;
  SignatureFileContents?: string;
  WarningMessage?: string;
  ArtifactList?: Artifact[];
}

export interface GetStatusOutput {
  JobId?: string;
  JobType?: string;
  LocationCode?: string;
  LocationMessage?: string;
  ProgressCode?: string;
  ProgressMessage?: string;
  Carrier?: string;
  TrackingNumber?: string;
  LogBucket?: string;
  LogKey?: string;
  ErrorCount?: number;
  Signature?: string;
  SignatureFileContents?: string;
  CurrentManifest?: string;
  /** ISO 8601, as the server sent it. */
  CreationDate?: string;
  ArtifactList?: Artifact[];
}

export interface ListJobsInput {
  MaxJobs?: number;
  Marker?: string;
}

export interface Job {
  JobId?: string;
  CreationDate?: string;
  IsCanceled?: boolean;
  JobType?: string;
}

export interface ListJobsOutput {
  Jobs?: Job[];
  IsTruncated?: boolean;
}

export interface UpdateJobInput {
  JobId: string;
  Manifest: string;
  JobType: JobType;
  ValidateOnly: boolean;
}

export interface UpdateJobOutput {
  Success?: boolean;
  WarningMessage?: string;
  ArtifactList?: Artifact[];
}

export interface CancelJobOutput {
  Success?: boolean;
}

/** GetShippingLabel's input: lower-camel member names, as in the model. */
export interface GetShippingLabelInput {
  jobIds: string[];
  name?: string;
  company?: string;
  phoneNumber?: string;
  country?: string;
  stateOrProvince?: string;
  city?: string;
  postalCode?: string;
  street1?: string;
  street2?: string;
  street3?: string;
}

export interface GetShippingLabelOutput {
  ShippingLabelURL?: string;
  Warning?: string;
}

/** The address members of GetShippingLabel, in the model's order. */
export const LABEL_ADDRESS_MEMBERS = [
  'name',
  'company',
  'phoneNumber',
  'country',
  'stateOrProvince',
  'city',
  'postalCode',
  'street1',
  'street2',
  'street3',
] as const;

export type Scalar = 'string' | 'integer' | 'boolean' | 'timestamp';
export type Shape = { readonly [member: string]: Scalar | { readonly list: Shape } };

const ARTIFACT: Shape = { Description: 'string', URL: 'string' };
const JOB: Shape = { JobId: 'string', CreationDate: 'timestamp', IsCanceled: 'boolean', JobType: 'string' };

/** Each operation's output structure, from the model. */
export const OUTPUT_SHAPES = {
  CreateJob: {
    JobId: 'string',
    JobType: 'string',
    Signature: 'string',
    SignatureFileContents: 'string',
    WarningMessage: 'string',
    ArtifactList: { list: ARTIFACT },
  },
  GetStatus: {
    JobId: 'string',
    JobType: 'string',
    LocationCode: 'string',
    LocationMessage: 'string',
    ProgressCode: 'string',
    ProgressMessage: 'string',
    Carrier: 'string',
    TrackingNumber: 'string',
    LogBucket: 'string',
    LogKey: 'string',
    ErrorCount: 'integer',
    Signature: 'string',
    SignatureFileContents: 'string',
    CurrentManifest: 'string',
    CreationDate: 'timestamp',
    ArtifactList: { list: ARTIFACT },
  },
  ListJobs: { Jobs: { list: JOB }, IsTruncated: 'boolean' },
  UpdateJob: { Success: 'boolean', WarningMessage: 'string', ArtifactList: { list: ARTIFACT } },
  CancelJob: { Success: 'boolean' },
  GetShippingLabel: { ShippingLabelURL: 'string', Warning: 'string' },
} as const satisfies Record<string, Shape>;

export type Operation = keyof typeof OUTPUT_SHAPES;
