/** The channels through which a code reaches a person or a program. */
export type Channel = 'api' | 'email' | 'log' | 'station' | 'cli' | 'admin' | 's3';

/** Which table of the seed (or of Longshore itself) a code belongs to. */
export type CodeGroup =
  | 'email-error' // seed: e-mail error codes
  | 'device-status' // seed: device (location) status codes
  | 'job-status' // seed: job (progress) status codes
  | 'log-status' // seed: AWS Import/Export log file status codes (103, 200, 508)
  | 's3' // seed: Amazon S3 status codes
  | 'api' // 2010-06-01 API model error shapes (reference §1.4)
  | 'auth' // API authentication codes (DECISIONS §4)
  | 'longshore'; // Longshore's own codes (configuration, CLI, station steps)

/**
 * One catalog entry. `message` may contain `{placeholder}` names that the caller fills in
 * (for example `{fields}`, `{carrier}`, `{trackingNumber}`, `{logUrl}`, `{count}`).
 */
export interface CatalogEntry {
  readonly group: CodeGroup;
  /** HTTP status for codes that travel over HTTP (API, S3, admin); absent for pure status codes. */
  readonly http?: number;
  /** Numeric status written in the import log's Status column (103, 200, 508, or the S3 HTTP status). */
  readonly logStatus?: number;
  readonly message: string;
  readonly action: string;
  readonly retryable: boolean;
  readonly channels: readonly Channel[];
  /** The same situation's code on another channel, e.g. InvalidJobIdException <-> InvalidJobId. */
  readonly email?: string;
  readonly api?: string;
}
