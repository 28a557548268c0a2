import type { Command } from 'commander';
import { CatalogError } from '../../catalog/index.js';
import type { StationClientConfig } from '../../config/index.js';
import { runLoad, type LoadSummary } from '../../station/loader/index.js';
import { adminClientFor } from '../admin-client.js';
import { addConfigOptions } from '../config-options.js';
import { withInterrupt } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { formatLoadSummary, progressReporter } from '../load-progress.js';
import { openConfiguredStore } from '../object-store.js';
import { printResult } from '../output.js';
import { usageInvalid } from '../usage-errors.js';
import { jobIdArg } from './admin-job.js';
import { stationContext } from './station-context.js';

type Flags = Record<string, unknown>;

/** The most files `--concurrency` may upload at once (the loader's memory budget caps the bytes). */
const MAX_CONCURRENCY = 1024;

function positiveInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^[0-9]+$/.test(raw) || n < 1 || n > MAX_CONCURRENCY) {
      usageInvalid(name, raw, `a whole number from 1 to ${MAX_CONCURRENCY}`);
    }
    return n;
  };
}

/** `--stream-put-max` in MiB: 0 to 5120 (S3's largest single PUT). */
function streamPutMiB(raw: string): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n > 5120)
    usageInvalid('--stream-put-max', raw, 'a whole number of MiB from 0 to 5120');
  return n;
}

/**
 * `longshore station load --job-id ID` (DECISIONS §8): loads an inspected device into the job's
 * bucket, waits, shows progress on a terminal and ends with a summary. Ctrl-C interrupts it
 * cleanly (run it again to resume); a crash resumes the same way. Exit 0 when the load ended
 * (Success or SuccessWithErrors, or canceled by the customer), 1 otherwise.
 */
export function registerLoadCommand(station: Command, io: CliIo): void {
  const cmd = station
    .command('load')
    .description(
      "copy every file of the job's inspected device into its bucket, with the import log (resumes an interrupted load)",
    )
    .requiredOption('--job-id <ID>', 'the job to load', jobIdArg)
    .option('--device <PATH>', 'where the device is now, when not where the intake found it')
    .option(
      '--concurrency <N>',
      'files uploading at once (default 32; 512 into the embedded store)',
      positiveInt('--concurrency'),
    )
    .option(
      '--stream-put-max <MiB>',
      'largest file sent as one PUT streamed as it is read (default 1024; 0: larger files always in parts, as a far-away store may want)',
      streamPutMiB,
    );
  addConfigOptions(cmd, 'station');
  cmd.action(async (flags: Flags) => {
    const { config, workDir } = await stationContext(flags, io);
    const summary = await loadJob(config, workDir, io, flags.jobId as string, {
      devicePath: flags.device as string | undefined,
      concurrency: flags.concurrency as number | undefined,
      streamPutMiB: flags.streamPutMax as number | undefined,
    });
    printResult(io, config.json, summary, formatLoadSummary(summary));
    throwIfInterrupted(summary);
  });
}

/** An interrupted load (Ctrl-C) ends the command with InvalidJobState: it is resumed by loading again. */
export function throwIfInterrupted(summary: LoadSummary): void {
  if (summary.outcome !== 'interrupted') return;
  throw new CatalogError('InvalidJobState', {
    state: 'InProgress (interrupted: run station load again to resume)',
  });
}

/**
 * Runs one load from this station process: the configured storage target, progress on stderr, and
 * SIGINT/SIGTERM turned into a clean interruption. Used by `station load` and by `station receive`
 * with --auto-load.
 */
export async function loadJob(
  config: StationClientConfig,
  workDir: string,
  io: CliIo,
  jobId: string,
  options: { devicePath?: string; concurrency?: number; streamPutMiB?: number } = {},
): Promise<LoadSummary> {
  const client = await adminClientFor(config);
  const store = await openConfiguredStore(config.dataDir, config.s3);
  try {
    return await withInterrupt((signal) =>
      runLoad({
        control: client.stationControl(config.stationName),
        jobId,
        store,
        workDir,
        readerOptions: { fatTimeZone: config.station.fatTimeZone },
        devicePath: options.devicePath,
        concurrency: options.concurrency,
        streamPutMax: options.streamPutMiB === undefined ? undefined : options.streamPutMiB * 1024 * 1024,
        stationCountry: config.stationCountry,
        onProgress: progressReporter(io, { tty: process.stderr.isTTY === true, json: config.json }),
        signal,
      }),
    );
  } finally {
    await store.close();
  }
}

/** `longshore station return --job-id ID --carrier NAME --tracking-number NUM` (DECISIONS §8). */
export function registerReturnCommand(station: Command, io: CliIo): void {
  const cmd = station
    .command('return')
    .description(
      'record that the device was shipped back (LocationCode Returned, with carrier and tracking number)',
    )
    .requiredOption('--job-id <ID>', 'the job whose device goes back', jobIdArg)
    .requiredOption('--carrier <NAME>', 'the carrier, e.g. UPS')
    .requiredOption('--tracking-number <NUM>', "the carrier's tracking number");
  addConfigOptions(cmd, 'station');
  cmd.action(async (flags: Flags) => {
    const { config } = await stationContext(flags, io);
    const client = await adminClientFor(config);
    const job = await client
      .stationControl(config.stationName)
      .returnDevice(flags.jobId as string, flags.carrier as string, flags.trackingNumber as string);
    printResult(io, config.json, { job }, `Job ${job.jobId}: ${job.locationCode}: ${job.locationMessage}`);
  });
}
