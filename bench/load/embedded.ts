/**
 * The embedded-store runs of one set and round: Longshore loading into the station's own store
 * (`<data-dir>/objects`, which fsyncs every object), and its bounds on the same disk: `cp -r`,
 * `cp -r` followed by `sync` (the cost of durability), and `tar | tar`. The rows take turns (the
 * order rotates each round); the copy and the loaded objects are set aside after each run, outside
 * the timing (freed-inodes.ts), and `timed` syncs before the next.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSet } from './datasets.js';
import { setAside } from './freed-inodes.js';
import type { ClientCommand } from './peers.js';
import { longshoreRow, type EmbeddedRow, type RunRecord } from './rows.js';
import type { DeviceName } from './options.js';
import { bucketName, describe, rotated, storeDevicesOf, timed, type SeriesContext } from './run-context.js';

const BOUNDS: readonly EmbeddedRow[] = [
  'cp -r (embedded bound)',
  'cp -r + sync (embedded bound)',
  'tar (embedded bound)',
];

function boundCommand(row: EmbeddedRow, tree: string, dest: string): ClientCommand {
  if (row === 'cp -r (embedded bound)') return { command: 'cp', args: ['-r', tree, dest], env: {} };
  if (row === 'cp -r + sync (embedded bound)') {
    return { command: 'bash', args: ['-c', 'cp -r "$1" "$2" && sync', 'bash', tree, dest], env: {} };
  }
  const script = 'set -o pipefail; tar cf - -C "$1" . | tar xf - -C "$2"';
  return { command: 'bash', args: ['-c', script, 'bash', tree, dest], env: {} };
}

async function runBound(context: SeriesContext, set: DataSet, row: EmbeddedRow, round: number) {
  const dest = join(context.embeddedDir, 'copy');
  await rm(dest, { recursive: true, force: true });
  if (row === 'tar (embedded bound)') await mkdir(dest, { recursive: true });
  try {
    const command = boundCommand(row, set.tree, dest);
    return await timed(context, context.targets.embedded!, { set, row, round, bucket: null, command });
  } finally {
    await setAside(context.embeddedDir, dest);
  }
}

/** Throws unless the embedded bucket holds the set's files and the import log; then deletes it. */
async function checkEmbedded(context: SeriesContext, set: DataSet, row: EmbeddedRow, bucket: string) {
  const station = context.targets.embedded!.station!;
  const listed = (await station.cli(['objects', 'ls', `s3://${bucket}`])) as { objects: { size: number }[] };
  const bytes = listed.objects.reduce((sum, object) => sum + object.size, 0);
  if (listed.objects.length !== set.files + 1 || bytes < set.bytes) {
    throw new Error(
      `${row} on set ${set.name}: embedded bucket ${bucket} holds ${listed.objects.length} objects, ${bytes} bytes; expected ${set.files + 1} objects, ${set.bytes} bytes`,
    );
  }
  await setAside(context.embeddedDir, join(station.dataDir, 'objects', bucket));
}

async function runLongshore(context: SeriesContext, set: DataSet, device: DeviceName, round: number) {
  const target = context.targets.embedded!;
  const row = longshoreRow(device, 'embedded') as EmbeddedRow;
  const bucket = bucketName(context, set.name, row, round);
  const command = await target.station!.prepareJob(set, device, bucket);
  const record = await timed(context, target, { set, row, round, bucket, command });
  await checkEmbedded(context, set, row, bucket);
  return record;
}

/** Every embedded row of `set` in round `round`. Throws on a failed run or an incomplete bucket. */
export async function runEmbedded(context: SeriesContext, set: DataSet, round: number): Promise<RunRecord[]> {
  const rows: (EmbeddedRow | DeviceName)[] = [...BOUNDS, ...storeDevicesOf(context)];
  const records: RunRecord[] = [];
  for (const row of rotated(rows, round)) {
    const record =
      row === 'ext2' || row === 'dir'
        ? await runLongshore(context, set, row, round)
        : await runBound(context, set, row, round);
    context.log(`round ${round} set ${set.name} ${record.row}: ${describe(record)}`);
    records.push(record);
  }
  return records;
}
