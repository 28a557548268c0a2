import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerAccountCommands } from './admin-account.js';
import { registerBucketCommands } from './admin-bucket.js';
import { registerJobCommands } from './admin-job.js';

/** `longshore admin account ...`, `longshore admin bucket ...` and `longshore admin job ...` (DECISIONS §8). */
export function registerAdminCommands(program: Command, io: CliIo): void {
  const admin = program
    .command('admin')
    .description('manage accounts and buckets, and look at jobs, through the admin API of a running server');
  registerAccountCommands(admin.command('account').description('create, update and list accounts'), io);
  registerBucketCommands(
    admin.command('bucket').description('create buckets, grant write access, list buckets'),
    io,
  );
  registerJobCommands(admin.command('job').description('show a job and its history (read-only)'), io);
}
