/**
 * The memory runs: Longshore loading set D (a million tiny files) and, to compare, set B into the
 * null S3 sink, once each, with the load process's RSS sampled over time. The sink holds no data,
 * so the runs measure the client alone (a real gateway would need about an hour for D here).
 */
import type { DataSet } from './datasets.js';
import type { DeviceName } from './options.js';
import { bucketName, describe, storeDevicesOf, timed, type SeriesContext } from './run-context.js';
import { longshoreRow, type RunRecord, type SinkRow } from './rows.js';

/** Throws unless the sink's bucket holds the set's files and the import log; then drops it. */
async function checkSink(context: SeriesContext, set: DataSet, row: SinkRow, bucket: string) {
  const stats = await context.sink!.stats(bucket);
  if (stats.objects !== set.files + 1 || stats.bytes < set.bytes) {
    throw new Error(
      `${row} on set ${set.name}: sink bucket ${bucket} holds ${stats.objects} objects, ${stats.bytes} bytes; expected ${set.files + 1} objects, ${set.bytes} bytes`,
    );
  }
  await context.sink!.drop(bucket);
}

async function runOne(context: SeriesContext, set: DataSet, device: DeviceName): Promise<RunRecord> {
  const target = context.targets.sink!;
  const row = longshoreRow(device, 'sink') as SinkRow;
  const bucket = bucketName(context, set.name, row, 1);
  const command = await target.station!.prepareJob(set, device, bucket);
  const record = await timed(context, target, { set, row, round: 1, bucket, command });
  await checkSink(context, set, row, bucket);
  return record;
}

/** Sets B and D (those of the series), each device once, into the sink. Throws on a failed run. */
export async function runMemory(context: SeriesContext): Promise<RunRecord[]> {
  const sets = context.sets.filter((set) => set.name === 'B' || set.name === 'D');
  const records: RunRecord[] = [];
  for (const set of sets) {
    for (const device of storeDevicesOf(context)) {
      const record = await runOne(context, set, device);
      context.log(`memory set ${set.name} ${record.row}: ${describe(record)}`);
      records.push(record);
    }
  }
  return records;
}
