import type { DeviceEntry } from '../../devices/port.js';
import type { ObjectHeaders } from '../../storage/port.js';

// What the planner decides for one entry of a device's tree (DECISIONS §6, §9).

/** Upload the file under `key` with `headers`. */
export interface PlannedUpload {
  action: 'upload';
  key: string;
  headers: ObjectHeaders;
  /**
   * Set only with `setContentEncodingForGzFiles: yes`: the headers to send instead when the file's
   * first bytes are the gzip magic number (`Content-Encoding: gzip`, the type of the name without
   * `.gz`/`.gzip`). Pick with `headersForContent(plan, firstBytes)`.
   */
  gzipHeaders?: ObjectHeaders;
}

/** Leave the file out on purpose: a `103 Ignored` log row. */
export interface PlannedSkip {
  action: 'skip';
  status: 103;
  code: 'Ignored';
  reason: string;
  /** The type the file would have had, for the log's Content-Type column (regular files only). */
  contentType?: string;
}

/** The codes a planned failure can carry (each an import-log row, counted as an error). */
export type PlanFailureCode =
  | 'InvalidSubstitution'
  | 'KeyTooLong'
  | 'EntityTooLarge'
  | 'InvalidArgument'
  | 'MetadataTooLarge'
  | 'ReadError';

/** The file cannot be loaded: a log row with this status and code, and the load goes on. */
export interface PlannedFailure {
  action: 'fail';
  status: 400 | 508;
  code: PlanFailureCode;
  reason: string;
  /** The key the file would have had, when it was computed (e.g. the over-long one). */
  key?: string;
  contentType?: string;
}

/** The planner's decision for one non-directory entry. */
export type PlannedFile = PlannedUpload | PlannedSkip | PlannedFailure;

/** Options of createKeyPlanner. */
export interface KeyPlannerOptions {
  /** Longest time one path may spend in the ignore patterns; default 250 ms. */
  regexTimeBudgetMs?: number;
  /**
   * The root path of the SIGNATURE file as the device stores it (findRootFile's answer: on FAT32
   * and NTFS it may be `signature`); default `SIGNATURE`.
   */
  signaturePath?: string;
}

/** Plans every entry of one load. */
export interface KeyPlanner {
  /** The decision for an entry; null for a directory (directories are not planned). */
  plan(entry: DeviceEntry): PlannedFile | null;
  /** Releases the ignore-pattern worker. Safe to call twice. */
  close(): Promise<void>;
}
