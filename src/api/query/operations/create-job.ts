import { field, list } from '../xml.js';
import { MANIFEST_MAX_BYTES } from '../params.js';
import { ACTOR, type Operation } from './operation.js';

/** Non-fatal notes of a CreateJob/UpdateJob, joined; null (member omitted) when there are none. */
export function warningMessage(warnings: readonly string[]): string | null {
  return warnings.length === 0 ? null : warnings.join('; ');
}

/**
 * CreateJob: JobType, Manifest, ValidateOnly (all required), ManifestAddendum (accepted, ignored).
 * With ValidateOnly=true only JobType and WarningMessage come back. Codes: the JobService's
 * (DECISIONS §5 order), MissingParameterException, InvalidParameterException.
 */
export const createJob: Operation = {
  name: 'CreateJob',
  async run({ caller, params, jobs }) {
    const jobType = params.requiredJobType('JobType');
    const manifestText = params.requiredString('Manifest', MANIFEST_MAX_BYTES);
    params.optionalString('ManifestAddendum', MANIFEST_MAX_BYTES);
    const validateOnly = params.requiredBoolean('ValidateOnly');
    const created = await jobs.createJob({ caller, jobType, manifestText, validateOnly, actor: ACTOR });
    const warning = field('WarningMessage', warningMessage(created.warnings));
    if (created.jobId === null) return field('JobType', created.jobType) + warning;
    return (
      field('JobId', created.jobId) +
      field('JobType', created.jobType) +
      field('Signature', created.signature) +
      field('SignatureFileContents', created.signatureFileContents) +
      warning +
      list('ArtifactList', [])
    );
  },
};
