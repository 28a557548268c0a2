import type {
  IntakeDevice,
  LoadCheckpoint,
  LoadFigures,
  LoadRecordView,
  LoadTicket,
  StationJobView,
  StationLoadControl,
} from '../../../../src/station/port.js';

/**
 * A FAKE StationLoadControl, in memory, for isolation: the loader's tests need no database or
 * control plane. It behaves like the real one where the loader can tell: the first startLoad
 * starts the load, later ones return a resumed ticket with the last checkpoint; checkpoint()
 * answers whether `cancel()` was called; finishLoad records the result. `hang()` makes every
 * later call never answer (a station killed mid-call, for the crash tests).
 */
export class FakeControl implements StationLoadControl {
  readonly checkpoints: LoadCheckpoint[] = [];
  finished: { logBucket: string; logKey: string; figures: LoadFigures; warning: string | null } | null = null;
  starts = 0;
  private canceled = false;
  private hung = false;
  private inProgress = false;

  constructor(
    readonly jobId: string,
    readonly manifestText: string,
    readonly device: IntakeDevice,
  ) {}

  /** The customer cancels the job. */
  cancel(): void {
    this.canceled = true;
  }

  /** From now on no call answers (the station "dies" in the middle of talking to us). */
  hang(): void {
    this.hung = true;
  }

  /** A control plane for the next station run: answering again, with everything recorded so far. */
  revive(): void {
    this.hung = false;
  }

  /** The last checkpoint recorded, or null. */
  get lastCheckpoint(): LoadCheckpoint | null {
    return this.checkpoints[this.checkpoints.length - 1] ?? null;
  }

  async loadRecord(jobId: string): Promise<LoadRecordView> {
    await this.answer();
    this.expectJob(jobId);
    const figures = this.finished?.figures ?? (this.lastCheckpoint && { ...this.lastCheckpoint, seconds: 0 });
    return {
      job: this.view(),
      manifestText: this.manifestText,
      device: this.device,
      figures,
      finished: this.finished !== null,
    };
  }

  async startLoad(jobId: string): Promise<LoadTicket> {
    await this.answer();
    this.expectJob(jobId);
    if (this.finished) throw new Error('InvalidJobState: the job was loaded already');
    const resumed = this.inProgress;
    this.inProgress = true;
    this.starts += 1;
    return {
      job: this.view(),
      manifestText: this.manifestText,
      device: this.device,
      resumed,
      checkpoint: resumed ? this.lastCheckpoint : null,
    };
  }

  async checkpoint(jobId: string, checkpoint: LoadCheckpoint): Promise<{ canceled: boolean }> {
    await this.answer();
    this.expectJob(jobId);
    this.checkpoints.push(checkpoint);
    return { canceled: this.canceled };
  }

  async finishLoad(
    jobId: string,
    result: { logBucket: string; logKey: string; figures: LoadFigures; warning: string | null },
  ): Promise<StationJobView> {
    await this.answer();
    this.expectJob(jobId);
    this.finished = result;
    return this.view();
  }

  private view(): StationJobView {
    const done = this.finished !== null;
    const progressCode = !done
      ? 'InProgress'
      : this.finished!.figures.errors > 0
        ? 'SuccessWithErrors'
        : 'Success';
    return {
      jobId: this.jobId,
      locationCode: 'AtAWS',
      locationMessage: 'At the loading station',
      progressCode,
      progressMessage: '',
      isCanceled: this.canceled,
    } as StationJobView;
  }

  private expectJob(jobId: string): void {
    if (jobId.toUpperCase() !== this.jobId) throw new Error(`InvalidJobIdException: ${jobId}`);
  }

  private answer(): Promise<void> {
    return this.hung ? new Promise(() => {}) : Promise.resolve();
  }
}
