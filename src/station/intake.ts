import { CatalogError } from '../catalog/index.js';
import type { InspectionFailure } from '../jobs/index.js';
import { inspectDevice, type InspectionSettings, type PackageContents } from './inspection.js';
import type { StationControl, StationJobView } from './port.js';

/** What `station receive` reports. */
export interface IntakeResult {
  readonly job: StationJobView;
  /** True when the device was already received (a second intake re-runs the inspection). */
  readonly alreadyReceived: boolean;
  readonly passed: boolean;
  /** The inspection failure's code, or null when it passed. */
  readonly failure: InspectionFailure | null;
  readonly detail: string;
  readonly fileSystem: string | null;
  readonly volume: string | null;
  readonly warnings: readonly string[];
}

/**
 * `longshore station receive` (DECISIONS §2, §8): records the device as received (AtAWS), runs the
 * inspection in order and records its outcome, so that GetStatus and the job's history show it.
 * The SIGNATURE is verified by the control plane, which holds the signing key. Refusals of the
 * job itself (InvalidJobIdException, CanceledJobIdException, ExpiredJobIdException,
 * InvalidJobState) are thrown before the device is touched.
 */
export async function receiveDevice(
  control: StationControl,
  jobId: string,
  contents: PackageContents,
  settings: InspectionSettings,
): Promise<IntakeResult> {
  const { job: received, alreadyReceived } = await control.receive(jobId);
  const inspection = await inspectDevice(contents, settings);
  const common = { alreadyReceived, fileSystem: null, volume: null, warnings: [] };
  if (!inspection.passed) {
    const job = await control.failInspection(received.jobId, inspection.failure, inspection.detail);
    return { ...common, job, passed: false, failure: inspection.failure, detail: inspection.detail };
  }
  const warnings = inspection.warnings.length ? ` Warning: ${inspection.warnings.join(' ')}` : '';
  const checked = await control.checkSignature(
    received.jobId,
    inspection.signatureText,
    `${inspection.detail}.${warnings}`,
    {
      path: contents.devicePath,
      volumeOffset: inspection.volumeOffset,
      fileSystem: inspection.fileSystem,
      warnings: inspection.warnings,
    },
  );
  return {
    job: checked.job,
    alreadyReceived,
    passed: checked.valid,
    failure: checked.valid ? null : 'InvalidSignature',
    detail: checked.valid
      ? inspection.detail
      : (checked.reason ?? 'The SIGNATURE file does not match this job.'),
    fileSystem: inspection.fileSystem,
    volume: inspection.volume,
    warnings: inspection.warnings,
  };
}

/** The CatalogError a failed intake ends the CLI with (its code on stderr, exit code non-zero). */
export function intakeFailure(result: IntakeResult): CatalogError | null {
  if (result.passed || !result.failure) return null;
  return new CatalogError(result.failure, {}, { jobId: result.job.jobId, detail: result.detail });
}
