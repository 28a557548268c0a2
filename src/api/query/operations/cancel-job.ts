import { field } from '../xml.js';
import { ACTOR, type Operation } from './operation.js';

/**
 * CancelJob: JobId (required). Codes: InvalidJobIdException, CanceledJobIdException,
 * ExpiredJobIdException, UnableToCancelJobIdException.
 */
export const cancelJob: Operation = {
  name: 'CancelJob',
  async run({ caller, params, jobs }) {
    await jobs.cancelJob(caller, params.requiredString('JobId'), ACTOR);
    return field('Success', true);
  },
};
