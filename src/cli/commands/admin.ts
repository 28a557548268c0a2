import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerAccountCommands } from './admin-account.js';
import { registerBucketCommands } from './admin-bucket.js';

/** `longshore admin account ...` and `longshore admin bucket ...` (DECISIONS §8). */
export function registerAdminCommands(program: Command, io: CliIo): void {
  const admin = program
    .command('admin')
    .description('manage accounts and buckets through the admin API of a running server');
  registerAccountCommands(admin.command('account').description('create, update and list accounts'), io);
  registerBucketCommands(
    admin.command('bucket').description('create buckets, grant write access, list buckets'),
    io,
  );
}
