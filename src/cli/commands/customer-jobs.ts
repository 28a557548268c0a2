import type { Command } from 'commander';
import { CatalogError } from '../../catalog/index.js';
import { jobIdArg, maxJobsArg } from '../customer-args.js';
import { formatJobList, formatStatus } from '../customer-format.js';
import type { CliIo } from '../io.js';
import { printResult } from '../output.js';
import { customerLeaf } from './customer-leaf.js';

type Flags = Record<string, unknown>;

/** `longshore get-status --job-id ID`. */
export function registerGetStatus(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-status')
    .description("show a job's device location, progress, return shipment, log and SIGNATURE")
    .requiredOption('--job-id <ID>', 'the job (5 characters, any case)', jobIdArg('--job-id'));
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      const status = await (await client()).getStatus(flags.jobId as string);
      printResult(io, config.json, status, formatStatus(status));
    }),
  );
}

/** `longshore list-jobs [--max-jobs N] [--marker ID]`. */
export function registerListJobs(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-jobs')
    .description('list your jobs, newest first (canceled jobs too)')
    .option('--max-jobs <N>', 'at most this many jobs, 0 to 1000 (server default: 100)', maxJobsArg)
    .option(
      '--marker <ID>',
      'start after this job ID (the last one of the previous page)',
      jobIdArg('--marker'),
    );
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      const list = await (
        await client()
      ).listJobs({
        MaxJobs: flags.maxJobs as number | undefined,
        Marker: flags.marker as string | undefined,
      });
      printResult(io, config.json, list, formatJobList(list));
    }),
  );
}

/** `longshore cancel-job --job-id ID`. */
export function registerCancelJob(program: Command, io: CliIo): void {
  const cmd = program
    .command('cancel-job')
    .description('cancel a job that has not finished (a load in progress stops cleanly)')
    .requiredOption('--job-id <ID>', 'the job (5 characters, any case)', jobIdArg('--job-id'));
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      const jobId = flags.jobId as string;
      const result = await (await client()).cancelJob(jobId);
      if (result.Success === false) throw new CatalogError('UnableToCancelJobIdException');
      printResult(io, config.json, result, `Canceled job ${jobId}.`);
    }),
  );
}
