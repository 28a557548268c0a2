import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CatalogError } from '../../catalog/index.js';
import {
  checkEraseAllowed,
  eraseDevice,
  eraseTarget,
  type EraseProgress,
  type EraseResult,
} from '../../station/erase/index.js';
import type { LoadRecordView } from '../../station/index.js';
import { adminClientFor } from '../admin-client.js';
import { addConfigOptions } from '../config-options.js';
import { withInterrupt } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { printResult } from '../output.js';
import { UsageError, usageMissing } from '../usage-errors.js';
import { jobIdArg } from './admin-job.js';
import { stationContext } from './station-context.js';

type Flags = Record<string, unknown>;

/** Seconds between two progress lines when stderr is not a terminal. */
const LINE_INTERVAL_SECONDS = 5;

/** `500.1 GB`: decimal units, as printed on disk labels. */
function decimalSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `500107862016 bytes (500.1 GB)`: exact, and as on the disk's label. */
function sizeText(bytes: number): string {
  return bytes < 1000 ? `${bytes} bytes` : `${bytes} bytes (${decimalSize(bytes)})`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--:--';
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** `1.2 GB of 500.1 GB (0.2%), 150.3 MB/s, ETA 0:55:01` */
function progressText(p: EraseProgress): string {
  const percent = p.bytesTotal > 0 ? (100 * p.bytesDone) / p.bytesTotal : 100;
  const eta = p.bytesPerSecond > 0 ? (p.bytesTotal - p.bytesDone) / p.bytesPerSecond : Infinity;
  return `${decimalSize(p.bytesDone)} of ${decimalSize(p.bytesTotal)} (${percent.toFixed(1)}%), ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s, ETA ${clock(eta)}`;
}

const PHASE_LABEL: Record<EraseProgress['phase'], string> = {
  write: 'writing zeros',
  verify: 'reading back samples',
};

/**
 * How an erase shows progress: a bar on a terminal, else a line every 5 seconds (and at the end
 * of each phase) on stderr; nothing with --json. `finish` removes the bar.
 */
function eraseProgressReporter(io: CliIo, options: { tty: boolean; json: boolean }) {
  let bar: SingleBar | null = null;
  let phase: EraseProgress['phase'] | null = null;
  let lastLine = 0;
  const finish = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (p: EraseProgress) => {
    if (options.json) return;
    if (p.phase !== phase) {
      finish();
      phase = p.phase;
      lastLine = 0;
    }
    const detail = progressText(p);
    if (options.tty) {
      if (!bar) {
        bar = new SingleBar(
          { format: `${PHASE_LABEL[p.phase]} {bar} {detail}`, stream: process.stderr, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(p.bytesTotal, 0, { detail });
      }
      bar.update(p.bytesDone, { detail });
    } else if (p.elapsedSeconds - lastLine >= LINE_INTERVAL_SECONDS || p.bytesDone === p.bytesTotal) {
      lastLine = p.elapsedSeconds;
      io.stderr(`${PHASE_LABEL[p.phase]}: ${detail}\n`);
    }
  };
  return { onProgress, finish };
}

/** The erase's result as the operator reads it. */
function formatErase(jobId: string, result: EraseResult): string {
  const { verification: v } = result;
  return [
    `Job ${jobId}: ${result.path} erased: ${sizeText(result.bytes)} of zeros written.`,
    `time      ${result.seconds.toFixed(1)} s, ${(result.bytesPerSecond / 1e6).toFixed(1)} MB/s`,
    `verified  ${v.samples} samples (${decimalSize(v.bytesChecked)}) read back as zeros` +
      (v.direct ? ', past the page cache' : ' (through the page cache)'),
  ].join('\n');
}

/** The path to erase: --device, else where the intake found the device. MissingParameterException. */
function devicePathOf(flags: Flags, record: LoadRecordView): string {
  const given = flags.device as string | undefined;
  if (given !== undefined) return given;
  if (record.device) return record.device.path;
  return usageMissing('--device', 'the job has no recorded device: give the device node or image file');
}

/** Runs `work`; a refusal of --device (InvalidParameterException) becomes a usage error (exit 2). */
async function deviceUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CatalogError && err.code === 'InvalidParameterException') throw new UsageError(err);
    throw err;
  }
}

/** Runs the erase with Ctrl-C (SIGINT, SIGTERM) stopping it between two chunks. */
async function eraseInterruptibly(
  path: string,
  reporter: ReturnType<typeof eraseProgressReporter>,
): Promise<EraseResult> {
  try {
    return await withInterrupt((signal) =>
      deviceUsage(() => eraseDevice(path, { onProgress: reporter.onProgress, signal })),
    );
  } finally {
    reporter.finish();
  }
}

/**
 * `longshore station erase --job-id ID [--device PATH] --yes` (DECISIONS §8): zero-fills the whole
 * device (or image file) of a loaded job whose manifest says `eraseDevice: yes`, then reads
 * samples back. Refusals: InvalidJobState (eraseDevice: no, load not finished, inspection failed,
 * canceled, returned), InvalidParameterException (--device: a directory, a partition, mounted),
 * MissingParameterException (--yes, naming the path and size; --device when none is recorded).
 * Failures of the erase itself: InternalError with the path and byte (exit 1).
 */
export function registerEraseCommand(station: Command, io: CliIo): void {
  const cmd = station
    .command('erase')
    .description(
      "overwrite every byte of a loaded job's device with zeros (manifest eraseDevice: yes), then read samples back",
    )
    .requiredOption('--job-id <ID>', 'the job whose device is erased', jobIdArg)
    .option('--device <PATH>', 'the whole device or image file, when not where the intake found it')
    .option('--yes', 'confirm that every byte of the device is to be destroyed');
  addConfigOptions(cmd, 'station');
  cmd.action(async (flags: Flags) => {
    const { config } = await stationContext(flags, io);
    const control = (await adminClientFor(config)).stationControl(config.stationName);
    const record = await control.loadRecord(flags.jobId as string);
    checkEraseAllowed(record, config.stationCountry);
    const path = devicePathOf(flags, record);
    const target = await deviceUsage(() => eraseTarget(path));
    if (flags.yes !== true) {
      usageMissing(
        '--yes',
        `this destroys every byte of ${path}, ${sizeText(target.size)}: add --yes to erase it`,
      );
    }
    if (!config.json) io.stderr(`Erasing ${path}, ${sizeText(target.size)}, for job ${record.job.jobId}\n`);
    const reporter = eraseProgressReporter(io, { tty: process.stderr.isTTY === true, json: config.json });
    const result = await eraseInterruptibly(path, reporter);
    printResult(
      io,
      config.json,
      { jobId: record.job.jobId, ...result },
      formatErase(record.job.jobId, result),
    );
  });
}
