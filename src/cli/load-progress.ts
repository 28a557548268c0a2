import { SingleBar, Presets } from 'cli-progress';
import type { LoadProgressEvent, LoadSummary } from '../station/loader/index.js';
import type { CliIo } from './io.js';
import { formatTable } from './output.js';

const MB = 1e6;

function humanBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * How `station load` shows progress: a bar (files, bytes, MB/s, ETA) on a terminal, else one line
 * every 10 seconds on stderr; retries and warnings as lines. Nothing with --json.
 */
export function progressReporter(
  io: CliIo,
  options: { tty: boolean; json: boolean },
): (e: LoadProgressEvent) => void {
  if (options.json) return () => {};
  let bar: SingleBar | null = null;
  let lastLine = 0;
  return (event) => {
    if (event.type === 'started') {
      io.stderr(
        `${event.resumed ? 'Resuming' : 'Loading'} job ${event.jobId} (local log ${event.logPath})\n`,
      );
    } else if (event.type === 'progress') {
      const p = event.progress;
      const total = p.bytesTotal ?? Math.max(p.bytesDone, 1);
      const payload = {
        files: `${p.filesDone}${p.filesTotal !== null ? `/${p.filesTotal}` : ''}`,
        bytes: `${humanBytes(p.bytesDone)}${p.bytesTotal !== null ? `/${humanBytes(p.bytesTotal)}` : ''}`,
        rate: (p.mbPerSecond || 0).toFixed(1),
        etaText: eta(p.etaSeconds),
        errors: p.errors,
      };
      if (options.tty) {
        bar ??= new SingleBar(
          {
            format:
              '{bar} {percentage}% | {files} files | {bytes} | {rate} MB/s | ETA {etaText} | {errors} errors',
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        if (!bar.isActive) bar.start(total, 0, payload);
        bar.setTotal(total);
        bar.update(p.bytesDone, payload);
      } else if (p.elapsedSeconds - lastLine >= 10) {
        lastLine = p.elapsedSeconds;
        io.stderr(
          `${payload.files} files, ${payload.bytes}, ${payload.rate} MB/s, ETA ${payload.etaText}, ${payload.errors} errors\n`,
        );
      }
    } else if (event.type === 'retry') {
      if (!options.tty)
        io.stderr(`retry ${event.attempt} of ${event.operation} ${event.key}: ${event.code}\n`);
    } else if (event.type === 'warning') {
      bar?.stop();
      io.stderr(`warning: ${event.message}\n`);
    } else if (event.type === 'finished') {
      bar?.stop();
    }
  };
}

/** The summary table that ends a load. */
export function formatLoadSummary(summary: LoadSummary): string {
  const rows: [string, string][] = [
    ['job', summary.jobId],
    ['outcome', `${summary.outcome}${summary.resumed ? ' (resumed)' : ''}`],
    [
      'status',
      summary.job
        ? `${summary.job.locationCode} / ${summary.job.progressCode}`
        : 'InProgress (resume with station load)',
    ],
    ['files loaded', String(summary.files)],
    ['bytes loaded', `${humanBytes(summary.bytes)} (${summary.bytes} bytes)`],
    ['log rows', String(summary.rows)],
    ['errors', String(summary.errors)],
    ['time', `${summary.seconds.toFixed(1)} s`],
    ['speed', `${(summary.mbPerSecond || 0).toFixed(1)} MB/s`],
    ['import log', summary.log?.url ?? summary.localLogPath],
  ];
  for (const warning of summary.warnings) rows.push(['warning', warning]);
  return formatTable(['', ''], rows).split('\n').slice(1).join('\n');
}

export const bytesPerMB = MB;
