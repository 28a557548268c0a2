import { CatalogError } from '../../catalog/index.js';
import type { DeviceReader } from '../../devices/port.js';
import { parseManifest, type ImportManifest } from '../../manifest/index.js';
import { createKeyPlanner, type KeyPlanner } from '../plan/index.js';
import type { LoadTicket } from '../port.js';
import { Checkpointer } from './checkpointer.js';
import { openLocalState, sortStaleUploads, type LocalState } from './local-state.js';
import { uploadImportLog } from './log-upload.js';
import { ProgressTracker } from './progress.js';
import { Quota } from './quota.js';
import { loadSettings, type LoadSettings } from './settings.js';
import type { LoadOptions, LoadSummary, LoadTotals, LogLocation, OpenedVolume } from './types.js';
import { NEVER, storeCall, type UploadContext } from './upload-context.js';
import { openTicketVolume } from './volume.js';
import { WalkLoader } from './walk-loader.js';

// runLoad: one run of a job's load, from control.startLoad to control.finishLoad (or to a stop
// that a later run resumes). See walk-loader.ts for the loading itself, local-state.ts and
// log-book.ts for what survives a crash, checkpointer.ts for the checkpoints and cancels.

type StopReason = 'canceled' | 'interrupted' | 'failed';

/**
 * Loads every file of the job's inspected device into its bucket (DECISIONS §2, §6, §7, §9).
 * Resolves with the summary when the load finished, was canceled (the log covers what was done;
 * both upload the log and end the job) or was interrupted through `options.signal` (nothing ended:
 * run again to resume). Rejects, leaving the job InProgress with its local log kept for a resume,
 * with: the control plane's CatalogErrors (startLoad's refusals, finishLoad), a RangeError for bad
 * options, a CatalogError of the manifest's first issue when the stored manifest no longer parses,
 * the device's errors (its open's errno, a device-scope DeviceReadError), local fs errors, and the
 * storage error of a refused import-log upload.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const settings = loadSettings({
    ...options,
    concurrency: options.concurrency ?? options.store.uploadConcurrency,
  });
  const progress = new ProgressTracker(options.onProgress ?? (() => {}));
  const ticket = await options.control.startLoad(options.jobId);
  const manifest = importManifestOf(ticket, settings.stationCountry);
  const local = await openLocalState(options.workDir, ticket);
  return new LoadRun(options, settings, ticket, manifest, local, progress).run();
}

/** The job's manifest, as an import manifest. */
function importManifestOf(ticket: LoadTicket, stationCountry: string): ImportManifest {
  const parsed = parseManifest(ticket.manifestText, 'Import', { stationCountry });
  if (!parsed.ok) {
    const issue = parsed.issues[0]!;
    throw new CatalogError(issue.code, { fields: issue.path }, { issues: parsed.issues });
  }
  return parsed.manifest as ImportManifest;
}

class LoadRun {
  private readonly startedAt = Date.now();
  private readonly stopper = new AbortController();
  private stopReason: StopReason | null = null;
  private fatal: unknown = undefined;
  private readonly warnings: string[];
  private readonly ctx: UploadContext;
  private readonly checkpointer: Checkpointer;

  constructor(
    private readonly options: LoadOptions,
    private readonly settings: LoadSettings,
    private readonly ticket: LoadTicket,
    private readonly manifest: ImportManifest,
    private readonly local: LocalState,
    private readonly progress: ProgressTracker,
  ) {
    this.warnings = [...ticket.device.warnings];
    const { store } = options;
    const budget = new Quota(settings.maxInFlightBytes);
    const journal = local.journal;
    this.ctx = {
      store,
      bucket: manifest.bucket,
      settings,
      budget,
      stop: this.stopper.signal,
      journal,
      progress,
    };
    this.checkpointer = new Checkpointer({
      control: options.control,
      jobId: ticket.job.jobId,
      book: local.book,
      journal,
      everyMs: settings.checkpointEveryMs,
      progress,
      onCanceled: () => this.stopWith('canceled'),
      onFailure: (error) => this.fail(error),
    });
  }

  async run(): Promise<LoadSummary> {
    const { progress, local, ticket } = this;
    const figures = local.book.figures();
    progress.resumedFrom(figures.rows, figures.errors);
    progress.send({
      type: 'started',
      jobId: ticket.job.jobId,
      resumed: ticket.resumed,
      logPath: local.book.path,
    });
    for (const note of local.notes) progress.send({ type: 'warning', message: `resuming: ${note}` });
    const interrupt = () => this.stopWith('interrupted');
    this.options.signal?.addEventListener('abort', interrupt);
    if (this.options.signal?.aborted) interrupt();
    if (ticket.job.isCanceled) this.stopWith('canceled');
    try {
      await this.load();
    } catch (error) {
      this.fail(error);
    } finally {
      this.options.signal?.removeEventListener('abort', interrupt);
      await this.checkpointer.stop();
    }
    try {
      return await this.finish();
    } finally {
      await local.book.close().catch(() => undefined);
      await local.journal.close();
    }
  }

  /** Opens the volume and loads it (unless the load is stopping already). */
  private async load(): Promise<void> {
    if (this.stopper.signal.aborted) return;
    let volume: OpenedVolume | null = null;
    let planner: KeyPlanner | null = null;
    try {
      volume = await this.openVolume();
      this.warnings.push(...volume.reader.warnings.filter((w) => !this.warnings.includes(w)));
      planner = createKeyPlanner(this.manifest, { signaturePath: await signaturePathOf(volume.reader) });
      this.checkpointer.start();
      if (this.local.checks.mode !== 'none') {
        await sortStaleUploads(this.ctx.store, this.ctx.bucket, this.local.checks, this.abortUpload);
      }
      if (this.settings.countFirst) await this.count(volume.reader);
      await new WalkLoader({
        ctx: this.ctx,
        local: this.local,
        planner,
        reader: volume.reader,
        progress: this.progress,
        slots: new Quota(this.settings.concurrency),
        abortUpload: this.abortUpload,
        onFatal: (error) => this.fail(error),
      }).run();
    } finally {
      await planner?.close();
      await volume?.close();
    }
  }

  private openVolume(): Promise<OpenedVolume> {
    const device = this.ticket.device;
    if (this.options.openVolume) return this.options.openVolume(device);
    const readerOptions = {
      fatTimeZone: this.options.readerOptions.fatTimeZone,
      workDir: this.options.workDir,
    };
    return openTicketVolume(device, this.options.devicePath ?? device.path, readerOptions);
  }

  /** The counting walk: metadata only, so cheap, and it gives the progress bar its totals. */
  private async count(reader: DeviceReader): Promise<void> {
    let files = 0;
    let bytes = 0;
    for await (const entry of reader.walk()) {
      if (this.stopper.signal.aborted) return;
      if (entry.type === 'directory' && !entry.error) continue;
      files += 1;
      if (entry.type === 'file') bytes += entry.size;
    }
    const totals: LoadTotals = { files, bytes };
    this.progress.counted(totals);
  }

  private readonly abortUpload = async (key: string, uploadId: string): Promise<void> => {
    try {
      const input = { bucket: this.ctx.bucket, key, uploadId };
      await storeCall(
        this.ctx,
        'AbortMultipartUpload',
        key,
        () => this.ctx.store.abortMultipartUpload(input),
        NEVER,
      );
    } catch (error) {
      this.progress.send({
        type: 'warning',
        message: `could not abort an upload of ${key}: ${String(error)}`,
      });
    }
  };

  private stopWith(reason: StopReason): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.progress.send({ type: 'stopping', reason });
    this.stopper.abort();
  }

  private fail(error: unknown): void {
    if (this.fatal === undefined) this.fatal = error;
    this.stopWith('failed');
    this.stopReason = 'failed';
  }

  /** The last checkpoint, then: throw (failed), return (interrupted), or upload the log and end the job. */
  private async finish(): Promise<LoadSummary> {
    const last = await this.checkpointer.take().catch((error: unknown) => {
      this.fail(error);
      return null;
    });
    if (this.stopReason === 'failed') throw this.fatal;
    const canceled = this.stopReason === 'canceled' || last?.canceled === true;
    if (this.stopReason === 'interrupted') return this.summary('interrupted', null, null);
    this.progress.flush();
    const log = await uploadImportLog(this.ctx, this.manifest, this.ticket.job.jobId, this.local.book.path);
    const figures = { ...this.local.book.figures(), seconds: this.seconds() };
    const warning = this.warnings.length > 0 ? this.warnings.join(' ') : null;
    const job = await this.options.control.finishLoad(this.ticket.job.jobId, {
      logBucket: log.bucket,
      logKey: log.key,
      figures,
      warning,
    });
    return this.summary(canceled ? 'canceled' : 'finished', log, job);
  }

  private summary(
    outcome: LoadSummary['outcome'],
    log: LogLocation | null,
    job: LoadSummary['job'],
  ): LoadSummary {
    const figures = this.local.book.figures();
    const summary: LoadSummary = {
      jobId: this.ticket.job.jobId,
      outcome,
      resumed: this.ticket.resumed,
      files: figures.files,
      bytes: figures.bytes,
      rows: figures.rows,
      errors: figures.errors,
      seconds: this.seconds(),
      mbPerSecond: this.progress.snapshot().mbPerSecond,
      log,
      localLogPath: this.local.book.path,
      job,
      warnings: [...this.warnings, ...this.local.notes],
    };
    this.progress.flush();
    this.progress.send({ type: 'finished', summary });
    return summary;
  }

  private seconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }
}

/** The SIGNATURE file's path as the device stores it (FAT and NTFS match it ignoring case). */
async function signaturePathOf(reader: DeviceReader): Promise<string> {
  const caseInsensitive = !reader.fileSystem.startsWith('ext');
  const found = await reader.findRootFile('SIGNATURE', { caseInsensitive });
  return found?.path ?? 'SIGNATURE';
}
