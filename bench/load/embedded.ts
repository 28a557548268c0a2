/**
 * The embedded-store runs of one set and round: Longshore loading into the station's own store
 * (`<data-dir>/objects`, which fsyncs every object), and its bounds on the same disk: `cp -r`,
 * `cp -r` followed by `sync` (the cost of durability), and `tar | tar`. The rows take turns (the
 * order rotates each round); the copy and the loaded objects are removed after each run, outside
 * the timing (see discard), and `timed` syncs before the next.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DataSet } from './datasets.js';
import { SET_ASIDE_DIR } from './freed-inodes.js';
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

/** Sets of at least this many files have their copies set aside rather than deleted (see discard). */
const SET_ASIDE_FILES = 10_000;

/**
 * Removes a copy or a loaded bucket after its run. A set of many small files is renamed into a
 * folder emptied when the run ends (the whole embedded folder goes then), not deleted: ext4 skips
 * the inodes freed in the last minute when it allocates new ones (`recently_deleted`, up to six
 * minutes while their inode table block is dirty), so each run after the deletion of 20,000 files
 * paid for it: `cp -r` of set B ran at 1,240 to 8,662 files/s on the same data in one afternoon,
 * with 11% of its CPU in `find_inode_bit`/`recently_deleted` (perf), and Longshore's rows the
 * same. Every row now writes into a file system that deleted nothing since the run started, and
 * the next run waits until what this one deletes at its end is out of that window (freed-inodes.ts).
 */
async function discard(context: SeriesContext, set: DataSet, path: string): Promise<void> {
  if (set.files < SET_ASIDE_FILES) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  const aside = join(context.embeddedDir, SET_ASIDE_DIR);
  await mkdir(aside, { recursive: true });
  const name = `${basename(path)}-${randomBytes(6).toString('hex')}`;
  await rename(path, join(aside, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

async function runBound(context: SeriesContext, set: DataSet, row: EmbeddedRow, round: number) {
  const dest = join(context.embeddedDir, 'copy');
  await rm(dest, { recursive: true, force: true });
  if (row === 'tar (embedded bound)') await mkdir(dest, { recursive: true });
  try {
    const command = boundCommand(row, set.tree, dest);
    return await timed(context, context.targets.embedded!, { set, row, round, bucket: null, command });
  } finally {
    await discard(context, set, dest);
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
  await discard(context, set, join(station.dataDir, 'objects', bucket));
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
