import type { JobLoadProgress, JobLoadRecord } from './records.js';
import type { SqlExecutor } from './sql-executor.js';

interface JobLoadRow {
  job_id: string;
  station: string;
  device_path: string;
  volume_offset: string | number | null;
  file_system: string;
  warnings: string[];
  started_at: Date | null;
  checkpoint_at: Date | null;
  finished_at: Date | null;
  log_bytes: string | number;
  log_rows: string | number;
  files: string | number;
  bytes: string | number;
  errors: string | number;
  seconds: number | null;
}

const num = (v: string | number): number => Number(v);

function fromRow(row: JobLoadRow): JobLoadRecord {
  return {
    jobId: row.job_id,
    station: row.station,
    devicePath: row.device_path,
    volumeOffset: row.volume_offset === null ? null : num(row.volume_offset),
    fileSystem: row.file_system,
    warnings: row.warnings,
    startedAt: row.started_at,
    checkpointAt: row.checkpoint_at,
    finishedAt: row.finished_at,
    logBytes: num(row.log_bytes),
    logRows: num(row.log_rows),
    files: num(row.files),
    bytes: num(row.bytes),
    errors: num(row.errors),
    seconds: row.seconds,
  };
}

/**
 * Records (or replaces, after a second intake) where the loadable volume is. A load that already
 * started keeps its record: the intake of a job InProgress is refused before this point anyway.
 */
export async function recordIntakeDevice(
  db: SqlExecutor,
  load: Pick<JobLoadRecord, 'jobId' | 'station' | 'devicePath' | 'volumeOffset' | 'fileSystem' | 'warnings'>,
): Promise<void> {
  await db.query(
    `INSERT INTO job_loads (job_id, station, device_path, volume_offset, file_system, warnings)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (job_id) DO UPDATE SET station = $2, device_path = $3, volume_offset = $4,
       file_system = $5, warnings = $6::jsonb
     WHERE job_loads.started_at IS NULL`,
    [
      load.jobId,
      load.station,
      load.devicePath,
      load.volumeOffset,
      load.fileSystem,
      JSON.stringify(load.warnings),
    ],
  );
}

export async function getJobLoad(db: SqlExecutor, jobId: string): Promise<JobLoadRecord | null> {
  const rows = await db.query<JobLoadRow>(`SELECT * FROM job_loads WHERE job_id = $1`, [jobId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Sets started_at once (a resumed load keeps its first start). Null when there is no record. */
export async function markJobLoadStarted(
  db: SqlExecutor,
  jobId: string,
  at: Date,
): Promise<JobLoadRecord | null> {
  const rows = await db.query<JobLoadRow>(
    `UPDATE job_loads SET started_at = coalesce(started_at, $2) WHERE job_id = $1 RETURNING *`,
    [jobId, at],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Records a checkpoint. Counters only move forward (a late, reordered checkpoint cannot move the
 * resume point back); false when there is no started, unfinished load.
 */
export async function checkpointJobLoad(
  db: SqlExecutor,
  jobId: string,
  progress: JobLoadProgress,
  at: Date,
  finished: { seconds: number } | null = null,
): Promise<boolean> {
  const rows = await db.query<{ job_id: string }>(
    `UPDATE job_loads SET checkpoint_at = $7::timestamptz,
       log_bytes = greatest(log_bytes, $2), log_rows = greatest(log_rows, $3), files = greatest(files, $4),
       bytes = greatest(bytes, $5), errors = greatest(errors, $6),
       finished_at = CASE WHEN $8::double precision IS NULL THEN NULL ELSE $7::timestamptz END,
       seconds = $8::double precision
     WHERE job_id = $1 AND started_at IS NOT NULL AND finished_at IS NULL
     RETURNING job_id`,
    [
      jobId,
      progress.logBytes,
      progress.logRows,
      progress.files,
      progress.bytes,
      progress.errors,
      at,
      finished?.seconds ?? null,
    ],
  );
  return rows.length === 1;
}
