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
  ): Promise<{ job: StationJobView; valid: boolean; reason: string | null }>;
}
