import type { DeviceEntry, DeviceReader } from '../../devices/port.js';
import {
  rowForPlan,
  rowForUnlistedDirectory,
  rowForUpload,
  type ImportLogRow,
  type UploadOutcome,
} from '../import-log/index.js';
import { headersForContent, type KeyPlanner, type PlannedUpload } from '../plan/index.js';
import type { LocalState } from './local-state.js';
import { putMultipart } from './multipart.js';
import type { ProgressTracker } from './progress.js';
import type { Quota } from './quota.js';
import { putSingle } from './single-put.js';
import { putStreamed, streams } from './stream-put.js';
import { twoPhases, type ObjectSource, type StoreOutcome, type UploadContext } from './upload-context.js';

// The main pass of a load: walk the volume (the order is deterministic, so a resumed load meets
// the files in the same order), write a row for every file the planner skips or fails, and upload
// the others. Device reads stay sequential, in walk order (the fastest way to read a disk): the
// walk waits until a file is READ, while its upload goes on in the background with at most
// `concurrency` files in flight and the in-flight byte budget bounding the memory. Files that
// already have a row (a resumed load) are skipped; those that may have reached the bucket before
// a crash are checked there first.

/** What the walk needs. */
export interface WalkDeps {
  readonly ctx: UploadContext;
  readonly local: LocalState;
  readonly planner: KeyPlanner;
  readonly reader: DeviceReader;
  readonly progress: ProgressTracker;
  /** Files in flight. */
  readonly slots: Quota;
  /** Aborts a multipart upload left by an earlier run (errors are reported, not thrown). */
  readonly abortUpload: (key: string, uploadId: string) => Promise<void>;
  /** An upload failed in a way that must stop the load (device gone, local write failed). */
  readonly onFatal: (error: unknown) => void;
}

/** Walks and loads the volume once. */
export class WalkLoader {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: WalkDeps) {}

  /**
   * Loads every entry until the walk ends or the load stops, then waits for the uploads in flight.
   * Throws the walk's device-scope errors and local write failures.
   */
  async run(): Promise<void> {
    try {
      for await (const entry of this.deps.reader.walk()) {
        if (this.deps.ctx.stop.aborted) break;
        await this.take(entry);
      }
    } finally {
      this.deps.progress.reading(null);
      while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    }
  }

  private async take(entry: DeviceEntry): Promise<void> {
    const { local, planner, progress, ctx } = this.deps;
    if (local.logged.has(entry.path)) return progress.alreadyLogged(entry.size);
    if (entry.type === 'directory') {
      if (entry.error) await this.row(rowForUnlistedDirectory(entry.path, {}), 0, false, entry.error.message);
      return;
    }
    const plan = planner.plan(entry);
    if (plan === null) return;
    if (plan.action !== 'upload') {
      const detail = plan.action === 'fail' ? plan.reason : null;
      return this.row(rowForPlan(entry, plan, { bucket: ctx.bucket }), entry.size, false, detail);
    }
    // Every slot busy: the uploads waiting for their journal line should not wait for company.
    if (this.deps.slots.inUse >= this.deps.slots.limit) ctx.journal?.flush();
    await this.deps.slots.acquire(1);
    if (ctx.stop.aborted) return this.deps.slots.release(1);
    const { read, done } = twoPhases((readDone) => this.load(entry, plan, readDone));
    const tracked: Promise<void> = done
      .catch((error: unknown) => this.deps.onFatal(error))
      .finally(() => {
        this.deps.slots.release(1);
        this.inFlight.delete(tracked);
      });
    this.inFlight.add(tracked);
    progress.reading(entry.path);
    await read;
    progress.reading(null);
  }

  /** Uploads one planned file and writes its row (none when the load stopped first). */
  private async load(entry: DeviceEntry, plan: PlannedUpload, readDone: () => void): Promise<void> {
    const { ctx, reader, local } = this.deps;
    const check = local.checks.mode === 'all' || local.checks.journaled.has(entry.path);
    if (check) await this.abortStale(plan.key);
    const src: ObjectSource = {
      path: entry.path,
      key: plan.key,
      size: entry.size,
      open: () => reader.openFile(entry),
      ...(reader.readWhole && { readAll: () => reader.readWhole!(entry) }),
      headersFor: (firstBytes) => headersForContent(plan, firstBytes),
    };
    const journaled = local.checks.journaled.get(entry.path)?.partSize ?? null;
    const outcome =
      entry.size <= ctx.settings.singlePutMax
        ? await putSingle(ctx, src, check, readDone)
        : journaled === null && streams(ctx, entry.size)
          ? await putStreamed(ctx, src, check, readDone)
          : await putMultipart(ctx, src, check, readDone, journaled);
    if (outcome.kind === 'stopped') return;
    const row = rowForUpload(entry, plan, uploadOutcome(outcome), { bucket: ctx.bucket });
    const uploaded = outcome.kind === 'stored' && outcome.uploaded;
    await this.row(row, entry.size, uploaded, detailOf(outcome));
  }

  private async abortStale(key: string): Promise<void> {
    const ids = this.deps.local.checks.stale.get(key) ?? [];
    this.deps.local.checks.stale.delete(key);
    for (const uploadId of ids) await this.deps.abortUpload(key, uploadId);
  }

  private async row(
    row: ImportLogRow,
    size: number,
    uploaded: boolean,
    detail: string | null,
  ): Promise<void> {
    await this.deps.local.book.add(row);
    this.deps.progress.rowWritten(row, size, uploaded, detail);
  }
}

function uploadOutcome(outcome: Exclude<StoreOutcome, { kind: 'stopped' }>): UploadOutcome {
  switch (outcome.kind) {
    case 'stored':
      return { ok: true, md5Hex: outcome.md5Hex, bytes: outcome.bytes, contentType: outcome.contentType };
    case 'refused': {
      const { code, md5Hex, contentType } = outcome;
      return { ok: false, code, ...(md5Hex && { md5Hex }), ...(contentType && { contentType }) };
    }
    case 'unreadable':
      return { ok: false, code: 'ReadError' };
  }
}

function detailOf(outcome: StoreOutcome): string | null {
  if (outcome.kind === 'refused') return outcome.reason;
  if (outcome.kind === 'unreadable') return outcome.error.message;
  return null;
}
