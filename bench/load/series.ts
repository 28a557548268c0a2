/**
 * One series of the bench: for each round, for each of the sets A-C, the gateway runs (the bounds,
 * then every tool in turn, the order rotating from round to round, each into a fresh bucket) and
 * the embedded-store runs (bench/load/embedded.ts); then, once, the memory runs into the null sink
 * (bench/load/memory.ts). Every run is timed with its server's CPU around it, and checked.
 */
import type { DataSet } from './datasets.js';
import { runEmbedded } from './embedded.js';
import { runMemory } from './memory.js';
import type { ToolName } from './options.js';
import { awsCommand, curlCommand, rcloneCommand, s3cmdCommand, tarCommand, tuningOf } from './peers.js';
import { countObjects, createBucket, removeBucket } from './rgw.js';
import type { RowName, RunRecord } from './rows.js';
import { bucketName, describe, gatewayOf, rotated, timed, type SeriesContext } from './run-context.js';

async function toolCommand(context: SeriesContext, set: DataSet, tool: ToolName, bucket: string) {
  const station = context.targets.rgw!.station!;
  if (tool === 'longshore-dir') return station.prepareJob(set, 'dir', bucket);
  if (tool === 'longshore-ext2') return station.prepareJob(set, 'ext2', bucket);
  const { gateway, s3, configs } = gatewayOf(context);
  await createBucket(s3, bucket);
  const tuning = tuningOf(set.name);
  if (tool === 'rclone') return rcloneCommand(gateway, set.tree, bucket, tuning);
  const awsConfig = configs.aws(tuning.awsMaxConcurrentRequests);
  if (tool === 'aws') return awsCommand(gateway, awsConfig, set.tree, bucket);
  return s3cmdCommand(configs.s3cmd, set.tree, bucket);
}

/**
 * Throws when gateway bucket `bucket` does not hold the set's files (Longshore adds its import
 * log); then deletes it when the series cleans up.
 */
export async function checkBucket(context: SeriesContext, set: DataSet, row: RowName, bucket: string) {
  const { gateway, s3 } = gatewayOf(context);
  const found = await countObjects(s3, bucket);
  const expected = set.files + (row.startsWith('longshore') ? 1 : 0);
  if (found.objects !== expected || found.bytes < set.bytes) {
    throw new Error(
      `${row} on set ${set.name}: bucket ${bucket} holds ${found.objects} objects, ${found.bytes} bytes; expected ${expected} objects, ${set.bytes} bytes`,
    );
  }
  if (context.cleanup) await removeBucket(s3, gateway, bucket);
}

async function runBounds(context: SeriesContext, set: DataSet, round: number): Promise<RunRecord[]> {
  const target = context.targets.rgw!;
  const read = { set, row: 'tar (read bound)', round, bucket: null, command: tarCommand(set.tree) } as const;
  const records = [await timed(context, target, read)];
  if (set.name !== 'A') return records;
  const bucket = bucketName(context, set.name, 'curl', round);
  const { gateway, s3 } = gatewayOf(context);
  await createBucket(s3, bucket);
  const paths = Array.from(
    { length: set.files },
    (_, i) => `${set.tree}/large-${String(i).padStart(2, '0')}.bin`,
  );
  const command = curlCommand(gateway, bucket, paths);
  records.push(await timed(context, target, { set, row: 'curl (ingest bound)', round, bucket, command }));
  await checkBucket(context, set, 'curl (ingest bound)', bucket);
  return records;
}

async function runGateway(context: SeriesContext, set: DataSet, round: number): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const record of await runBounds(context, set, round)) {
    context.log(`round ${round} set ${set.name} ${record.row}: ${describe(record)}`);
    records.push(record);
  }
  for (const tool of rotated(context.tools, round)) {
    const bucket = bucketName(context, set.name, tool, round);
    const command = await toolCommand(context, set, tool, bucket);
    const record = await timed(context, context.targets.rgw!, { set, row: tool, round, bucket, command });
    await checkBucket(context, set, tool, bucket);
    context.log(`round ${round} set ${set.name} ${tool}: ${describe(record)}`);
    records.push(record);
  }
  return records;
}

/**
 * Runs every round of every set and target, then the memory runs; returns every run. Throws on
 * the first run that fails or leaves a wrong bucket (the error names the row, the set and the
 * bucket).
 */
export async function runSeries(context: SeriesContext): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const throughputSets = context.sets.filter((set) => set.name !== 'D');
  for (let round = 1; round <= context.rounds; round++) {
    for (const set of throughputSets) {
      if (context.targets.rgw) records.push(...(await runGateway(context, set, round)));
      if (context.targets.embedded) records.push(...(await runEmbedded(context, set, round)));
    }
  }
  if (context.targets.sink) records.push(...(await runMemory(context)));
  return records;
}
