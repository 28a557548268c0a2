import type { DeviceReader } from '../../devices/port.js';
import type { ObjectStore } from '../../storage/port.js';
import type { ImportLogRow } from '../import-log/index.js';
import type { IntakeDevice, LoadCheckpoint, StationJobView, StationLoadControl } from '../port.js';

// The public types of the loader: what runLoad takes, the events it emits while it runs, and the
// summary it resolves with.

/** How store requests are sent again: `attempts` tries in all, full-jitter backoff between them. */
export interface RetryPolicy {
  /** Tries in all, the first included (at least 1). */
  readonly attempts: number;
  /** First backoff ceiling in ms; it doubles after each failed try. */
  readonly baseMs: number;
  /** Largest backoff ceiling in ms. */
  readonly maxMs: number;
}

/** A volume opened for a load: the reader and what releases it (reader and device). */
export interface OpenedVolume {
  readonly reader: DeviceReader;
  close(): Promise<void>;
}

/** Options of runLoad. Only control, jobId, store, workDir and readerOptions are required. */
export interface LoadOptions {
  readonly control: StationLoadControl;
  readonly jobId: string;
  readonly store: ObjectStore;
  /** The station's working directory: the local log and journal go to `loads/<JOBID>/`. */
  readonly workDir: string;
  readonly readerOptions: { readonly fatTimeZone: string };
  /** Overrides the ticket's device path (the device may sit elsewhere after a restart). */
  readonly devicePath?: string;
  /** Files uploading at once (default: the store's uploadConcurrency, else 32). */
  readonly concurrency?: number;
  /** Multipart part size (default 16 MiB, at least 5 MiB), grown per file so it has <= 10000 parts. */
  readonly partSize?: number;
  /** Budget of body bytes held in memory for uploads at once (default 256 MiB). */
  readonly maxInFlightBytes?: number;
  /** Largest file sent as one PUT (default = partSize, at most 5 GiB). */
  readonly singlePutMax?: number;
  /**
   * Largest file sent as one streamed PUT, checked by its ETag after (default 1 GiB, at most
   * 5 GiB; 0: none), to a store that takes them; larger files go as multipart uploads.
   */
  readonly streamPutMax?: number;
  /** Retries of store requests (default 6 attempts, 250 ms base, 8 s max). */
  readonly retry?: RetryPolicy;
  /** Milliseconds between two checkpoints (default 1500). */
  readonly checkpointEveryMs?: number;
  /** Walk the volume once before loading to know the totals (default true). */
  readonly countFirst?: boolean;
  /** The station's country, to read the stored manifest as it was validated (default 'US'). */
  readonly stationCountry?: string;
  readonly onProgress?: (event: LoadProgressEvent) => void;
  /**
   * Interrupts the load (Ctrl-C, station shutdown): it stops like a cancel but neither uploads the
   * log nor ends the job, so a later runLoad resumes it. runLoad then resolves with outcome
   * `interrupted`.
   */
  readonly signal?: AbortSignal;
  /**
   * Opens the volume instead of openDevice + openVolumeReader/openMountedReader on the ticket's
   * device (tests use it to read through a faulty source).
   */
  readonly openVolume?: (device: IntakeDevice) => Promise<OpenedVolume>;
}

/** Totals as far as they are known (null before the counting walk ends, or without one). */
export interface LoadTotals {
  readonly files: number | null;
  readonly bytes: number | null;
}

/** Where things stand, emitted a few times a second and when the load ends. */
export interface LoadProgress {
  /** Rows written (resumed rows included). */
  readonly filesDone: number;
  /** Bytes of the files that have a row (resumed rows included). */
  readonly bytesDone: number;
  readonly filesTotal: number | null;
  readonly bytesTotal: number | null;
  /** Bytes read from the device in this run. */
  readonly bytesRead: number;
  readonly errors: number;
  /** The file being read, or null. */
  readonly currentFile: string | null;
  /** Device read rate of this run, in MB/s (10^6 bytes). */
  readonly mbPerSecond: number;
  /** Seconds left at the current rate, or null when unknown. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
}

/** How a load ended. */
export type LoadOutcome = 'finished' | 'canceled' | 'interrupted';

/** Typed events of a running load (for the CLI progress bar and a dashboard). */
export type LoadProgressEvent =
  | { readonly type: 'started'; readonly jobId: string; readonly resumed: boolean; readonly logPath: string }
  | { readonly type: 'counted'; readonly totals: LoadTotals }
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  /**
   * One per import-log row, as it is written. `uploaded`: the bytes were sent by this run (false
   * for rows of skipped or failed files, and for files a resumed load found stored already);
   * `detail`: why a file failed, in plain words.
   */
  | {
      readonly type: 'file';
      readonly row: ImportLogRow;
      readonly uploaded: boolean;
      readonly detail: string | null;
    }
  | { readonly type: 'checkpoint'; readonly checkpoint: LoadCheckpoint; readonly canceled: boolean }
  /** A store request failed and is sent again after `delayMs`. */
  | {
      readonly type: 'retry';
      readonly operation: string;
      readonly key: string;
      readonly code: string;
      readonly attempt: number;
      readonly delayMs: number;
    }
  /** Something the operator should know that does not stop the load (a failed checkpoint call). */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'stopping'; readonly reason: 'canceled' | 'interrupted' | 'failed' }
  | { readonly type: 'finished'; readonly summary: LoadSummary };

/** Where the import log went. */
export interface LogLocation {
  readonly bucket: string;
  readonly key: string;
  /** `s3://bucket/key`. */
  readonly url: string;
}

/** What runLoad resolves with. */
export interface LoadSummary {
  readonly jobId: string;
  readonly outcome: LoadOutcome;
  readonly resumed: boolean;
  /** Files stored and verified (rows 200 OK), resumed rows included. */
  readonly files: number;
  /** Their bytes. */
  readonly bytes: number;
  /** Rows of the log. */
  readonly rows: number;
  /** Rows whose status is neither 200 nor 103. */
  readonly errors: number;
  /** Seconds this run took. */
  readonly seconds: number;
  /** Device bytes read by this run per second, in MB/s. */
  readonly mbPerSecond: number;
  /** The uploaded log; null when the load was interrupted. */
  readonly log: LogLocation | null;
  /** The local log on the station's disk. */
  readonly localLogPath: string;
  /** The job after finishLoad; null when the load was interrupted. */
  readonly job: StationJobView | null;
  readonly warnings: readonly string[];
}
