import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerCancelJob, registerGetStatus, registerListJobs } from './customer-jobs.js';
import { registerLabelCommand } from './customer-label.js';
import { registerCreateJob, registerUpdateJob } from './customer-manifest.js';

/**
 * The customer commands of DECISIONS §8, in its order, as clients of the Import/Export query API
 * signed with SigV4: create-job, get-status, list-jobs, cancel-job, update-job, get-shipping-label.
 */
export function registerCustomerCommands(program: Command, io: CliIo): void {
  registerCreateJob(program, io);
  registerGetStatus(program, io);
  registerListJobs(program, io);
  registerCancelJob(program, io);
  registerUpdateJob(program, io);
  registerLabelCommand(program, io);
}
