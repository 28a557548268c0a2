/** Rows as the store keeps them. Domain modules build on these shapes; the store knows no rules. */

export type LocationCode = 'NotReceived' | 'AtAWS' | 'Returned';

export type ProgressCode =
  | 'Pending'
  | 'InProgress'
  | 'Success'
  | 'SuccessWithErrors'
  | 'Expired'
  | 'DeviceError'
  | 'InvalidSignature'
  | 'MissingDevice'
  | 'MissingSignature'
  | 'UnsupportedDeviceType'
  | 'UnsupportedFileFormat'
  | 'UnsupportedPowerSupply';

export type JobType = 'Import' | 'Export';

export interface AccountRecord {
  accessKeyId: string;
  /** AES-256-GCM ciphertext of the secret access key (see accounts/secret-box.ts). */
  secretCiphertext: string;
  name: string;
  /** Registered e-mail addresses, lower-cased. */
  emails: string[];
  signedUp: boolean;
  problem: boolean;
  createdAt: Date;
}

export interface BucketRecord {
  name: string;
  owner: string;
  region: string;
  /** Access key IDs allowed to write, besides the owner. */
  grants: string[];
  createdAt: Date;
}

export interface JobRecord {
  jobId: string;
  owner: string;
  jobType: JobType;
  /** The manifest exactly as submitted (the signature covers it, after CRLF -> LF). */
  manifestText: string;
  signature: string;
  location: LocationCode;
  progress: ProgressCode;
  progressMessage: string | null;
  canceled: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiredAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  logBucket: string | null;
  logKey: string | null;
  errorCount: number | null;
}

/** One line of a job's history: what happened, when, where, and the state it led to. */
export interface JobEventRecord {
  jobId: string;
  seq: number;
  at: Date;
  event: string;
  location: LocationCode;
  progress: ProgressCode;
  canceled: boolean;
  /** The station or channel that caused it (e.g. 'api', 'email', 'station:dock-1', 'scheduler'). */
  actor: string;
  detail: string | null;
}
