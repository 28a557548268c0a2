import type { InspectionFailure, JobStatusView } from '../jobs/index.js';

/** What a station shows of a job: its codes as GetStatus reports them. */
export type StationJobView = Pick<
  JobStatusView,
  'jobId' | 'locationCode' | 'locationMessage' | 'progressCode' | 'progressMessage' | 'isCanceled'
>;

/**
 * What a station needs from the control plane. The station CLI reaches it over the admin API
 * (/admin/v1/station); the embedded station calls StationJobs directly. Every method records a
 * history line with the station's name; refusals are CatalogErrors (InvalidJobIdException,
 * CanceledJobIdException, ExpiredJobIdException, InvalidJobState).
 */
export interface StationControl {
  /** NotReceived/Pending -> AtAWS/Pending. `alreadyReceived` when the job was AtAWS/Pending already. */
  receive(jobId: string): Promise<{ job: StationJobView; alreadyReceived: boolean }>;
  /** AtAWS/Pending -> AtAWS/<failure>, with the detail as ProgressMessage. */
  failInspection(jobId: string, failure: InspectionFailure, detail: string): Promise<StationJobView>;
  /**
   * The last step: the control plane checks the SIGNATURE text against the job's current manifest
   * (the signing key never leaves it) and records a pass (with `detail`) or InvalidSignature.
   */
  checkSignature(
    jobId: string,
    signatureText: string,
    detail: string,
    device: IntakeDevice,
  ): Promise<{ job: StationJobView; valid: boolean; reason: string | null }>;
  /** AtAWS -> Returned with carrier and tracking number (DECISIONS §2). */
  returnDevice(jobId: string, carrier: string, trackingNumber: string): Promise<StationJobView>;
}

/** Where the intake found the loadable volume (recorded with the passed inspection). */
export interface IntakeDevice {
  /** What the operator gave `--device`: a device node, an image file or a mounted directory. */
  readonly path: string;
  /** Byte offset of the volume on the device (0 for an unpartitioned one, null for a directory). */
  readonly volumeOffset: number | null;
  readonly fileSystem: string;
  /** Customer-facing warnings of the intake (an ext3 journal not replayed). */
  readonly warnings: readonly string[];
}

/** How far a load got: written by the station, kept by the control plane (the job's load record). */
export interface LoadCheckpoint {
  /** Bytes of the local import log that were fsynced when this checkpoint was taken. */
  readonly logBytes: number;
  /** Rows in those bytes. */
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly errors: number;
}

/** What a station needs to start (or resume) a load. */
export interface LoadTicket {
  readonly job: StationJobView;
  /** The job's current manifest text (keys and headers are planned from it). */
  readonly manifestText: string;
  readonly device: IntakeDevice;
  /** True when the job was InProgress already: resume from `checkpoint`. */
  readonly resumed: boolean;
  readonly checkpoint: LoadCheckpoint | null;
}

/** Per-job figures kept when a load ends (for GetStatus messages and the dashboard). */
export interface LoadFigures extends LoadCheckpoint {
  readonly seconds: number;
}

/** A job's load record as a station sees it (for erase, summaries and the dashboard). */
export interface LoadRecordView {
  readonly job: StationJobView;
  readonly manifestText: string;
  /** Where the intake found the volume; null when the device never passed inspection. */
  readonly device: IntakeDevice | null;
  /** Progress so far, or the final figures once `finished`. */
  readonly figures: LoadFigures | null;
  readonly finished: boolean;
}

/** The load steps of StationControl (DECISIONS §2: load starts / ends). */
export interface StationLoadControl {
  /** The job, its manifest and its load record. InvalidJobIdException. */
  loadRecord(jobId: string): Promise<LoadRecordView>;
  /**
   * AtAWS/Pending (after a passed inspection) -> InProgress, or the ticket of a load that is
   * InProgress already (a station that crashed resumes it). CanceledJobIdException,
   * InvalidJobState (not inspected, failed inspection, already loaded).
   */
  startLoad(jobId: string): Promise<LoadTicket>;
  /** Records progress; answers whether the customer canceled the job meanwhile. */
  checkpoint(jobId: string, checkpoint: LoadCheckpoint): Promise<{ canceled: boolean }>;
  /** InProgress -> Success / SuccessWithErrors with the log's location and the figures. */
  finishLoad(
    jobId: string,
    result: { logBucket: string; logKey: string; figures: LoadFigures; warning: string | null },
  ): Promise<StationJobView>;
}
