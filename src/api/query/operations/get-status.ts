import type { Artifact } from '../../../jobs/index.js';
import { field, list } from '../xml.js';
import type { Operation } from './operation.js';

/** An ArtifactList member: `<Description/><URL/>`. */
export function artifactXml(artifact: Artifact): string {
  return field('Description', artifact.description) + field('URL', artifact.url);
}

/**
 * GetStatus: JobId (required). Every model member; Carrier, TrackingNumber, LogBucket and LogKey
 * only when set. Codes: InvalidJobIdException, CanceledJobIdException, ExpiredJobIdException.
 */
export const getStatus: Operation = {
  name: 'GetStatus',
  async run({ caller, params, jobs }) {
    const status = await jobs.getStatus(caller, params.requiredString('JobId'));
    return (
      field('JobId', status.jobId) +
      field('JobType', status.jobType) +
      field('LocationCode', status.locationCode) +
      field('LocationMessage', status.locationMessage) +
      field('ProgressCode', status.progressCode) +
      field('ProgressMessage', status.progressMessage) +
      field('Carrier', status.carrier) +
      field('TrackingNumber', status.trackingNumber) +
      field('LogBucket', status.logBucket) +
      field('LogKey', status.logKey) +
      field('ErrorCount', status.errorCount) +
      field('Signature', status.signature) +
      field('SignatureFileContents', status.signatureFileContents) +
      field('CurrentManifest', status.currentManifest) +
      field('CreationDate', status.creationDate) +
      list('ArtifactList', status.artifactList.map(artifactXml))
    );
  },
};
