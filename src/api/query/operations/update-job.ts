import { field, list } from '../xml.js';
import { MANIFEST_MAX_BYTES } from '../params.js';
import { warningMessage } from './create-job.js';
import { ACTOR, type Operation } from './operation.js';

/**
 * UpdateJob: JobId, Manifest, JobType, ValidateOnly (all required). Replaces the manifest of a
 * Pending job (DECISIONS §2). Codes: the JobService's, UnableToUpdateJobIdException among them.
 */
export const updateJob: Operation = {
  name: 'UpdateJob',
  async run({ caller, params, jobs }) {
    const jobId = params.requiredString('JobId');
    const manifestText = params.requiredString('Manifest', MANIFEST_MAX_BYTES);
    const jobType = params.requiredJobType('JobType');
    const validateOnly = params.requiredBoolean('ValidateOnly');
    const { warnings } = await jobs.updateJob({
      caller,
      jobId,
      jobType,
      manifestText,
      validateOnly,
      actor: ACTOR,
    });
    return (
      field('Success', true) + field('WarningMessage', warningMessage(warnings)) + list('ArtifactList', [])
    );
  },
};
