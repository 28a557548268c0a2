import type { CatalogEntry } from './types.js';

/**
 * Every code Longshore can produce, keyed by its exact wire spelling.
 * Seed codes (../shared/spec/error-and-status-codes.txt) keep their spelling, including
 * `InvalidAccess Key ID`. Messages are in our own words; `{name}` placeholders are filled by callers.
 */
export const CATALOG = {
  // --- job status (ProgressCode) ---
  Pending: {
    group: 'job-status',
    message: 'The job has not started yet.',
    action: 'No action needed; send the device if you have not yet.',
    retryable: false,
    channels: ['api', 'email', 'station', 'cli'],
  },
  // --- API model errors ---
  InvalidJobIdException: {
    group: 'api',
    http: 400,
    message: 'The job ID is missing, unknown, or not owned by this account.',
    action: 'Check the job ID with list-jobs.',
    retryable: false,
    channels: ['api', 'cli', 'station'],
    email: 'InvalidJobId',
  },
  // --- S3 ---
  InternalError: {
    group: 's3',
    http: 500,
    logStatus: 500,
    message: 'An internal error occurred.',
    action: 'Try again; if it persists, report it to the operator.',
    retryable: true,
    channels: ['api', 'email', 'log', 'cli', 'admin', 's3'],
  },
} as const satisfies Record<string, CatalogEntry>;

/** A code name known to the catalog, checked at compile time. */
export type CodeName = keyof typeof CATALOG;
