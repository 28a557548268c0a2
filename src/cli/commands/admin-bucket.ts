import type { Command } from 'commander';
import type { BucketResponse } from '../../api/admin/index.js';
import { formatTable, printResult } from '../output.js';
import type { CliIo } from '../io.js';
import { accessKeyIdArg, bucketNameArg } from '../validate.js';
import { adminLeaf } from './admin-leaf.js';

type Flags = Record<string, unknown>;
type BucketView = BucketResponse['bucket'];

/** One bucket as `label  value` lines. */
export function formatBucket(bucket: BucketView): string {
  return formatTable(
    ['bucket', bucket.name],
    [
      ['owner', bucket.owner],
      ['region', bucket.region],
      ['also writable by', bucket.grants.join(', ') || '-'],
      ['created', bucket.createdAt],
    ],
  );
}

/** All buckets as a table. */
export function formatBuckets(buckets: readonly BucketView[]): string {
  if (buckets.length === 0) {
    return 'No buckets yet; create one with `longshore admin bucket create NAME --owner ACCESS_KEY_ID`.';
  }
  const rows = buckets.map((b) => [b.name, b.owner, b.region, b.grants.join(', ') || '-']);
  return formatTable(['NAME', 'OWNER', 'REGION', 'ALSO WRITABLE BY'], rows);
}

/** `admin bucket create|grant|list`. */
export function registerBucketCommands(bucket: Command, io: CliIo): void {
  const create = bucket
    .command('create')
    .description('create a bucket (or adopt an existing one on --s3-endpoint) and record its owner')
    .argument('<NAME>', 'bucket name (S3 naming rules)', bucketNameArg)
    .requiredOption(
      '--owner <ACCESS_KEY_ID>',
      'access key ID of the owning account',
      accessKeyIdArg('--owner'),
    );
  const runCreate = adminLeaf(create, io);
  create.action((name: string, flags: Flags) =>
    runCreate(flags, async ({ client, config }) => {
      const result = await client.createBucket(name, flags.owner as string);
      printResult(io, config.json, result, formatBucket(result.bucket));
    }),
  );

  const grant = bucket
    .command('grant')
    .description('let another account write to a bucket')
    .argument('<NAME>', 'bucket name', bucketNameArg)
    .requiredOption('--to <ACCESS_KEY_ID>', 'access key ID of the account to allow', accessKeyIdArg('--to'));
  const runGrant = adminLeaf(grant, io);
  grant.action((name: string, flags: Flags) =>
    runGrant(flags, async ({ client, config }) => {
      const result = await client.grantBucket(name, flags.to as string);
      printResult(io, config.json, result, formatBucket(result.bucket));
    }),
  );

  const list = bucket.command('list').description('list every bucket with its owner and grants');
  const runList = adminLeaf(list, io);
  list.action((flags: Flags) =>
    runList(flags, async ({ client, config }) => {
      const result = await client.listBuckets();
      printResult(io, config.json, result, formatBuckets(result.buckets));
    }),
  );
}
