/** The rows of the bench's tables and the record of one timed run. */
import type { RssSeries } from './rss.js';
import type { CpuByProcess } from './measure.js';
import type { SetName, TargetName, ToolName } from './options.js';

/** Rows into the gateway: a tool or a bound. */
export type GatewayRow = ToolName | 'tar (read bound)' | 'curl (ingest bound)';

/** Rows into the embedded store, and their bounds: copies to the same disk. */
export type EmbeddedRow =
  | 'longshore-dir (embedded)'
  | 'longshore-ext2 (embedded)'
  | 'cp -r (embedded bound)'
  | 'cp -r + sync (embedded bound)'
  | 'tar (embedded bound)';

/** Rows into the null S3 sink (memory runs). */
export type SinkRow = 'longshore-dir (null sink)' | 'longshore-ext2 (null sink)';

/** A row of the results. */
export type RowName = GatewayRow | EmbeddedRow | SinkRow;

/** One timed run. */
export interface RunRecord {
  readonly set: SetName;
  readonly row: RowName;
  readonly target: TargetName;
  readonly round: number;
  readonly bucket: string | null;
  readonly seconds: number;
  readonly clientCpuSeconds: number;
  /** GNU time's peak RSS of the client (the kernel's high-water mark). */
  readonly peakRssMiB: number;
  /** Longshore's RSS over time, sampled every 250 ms (null for other rows). */
  readonly rss: RssSeries | null;
  /** The server processes' CPU seconds during the run, by process name. */
  readonly serverCpu: CpuByProcess;
  /** `longshore serve`'s CPU seconds during the run (Longshore rows only). */
  readonly serveCpuSeconds: number | null;
  /**
   * CPU seconds the rest of the machine spent during the run (busy time of all cores minus the
   * client, the server processes and serve): other work slows the run and, when it uses the same
   * gateway, is counted in serverCpu too.
   */
  readonly otherCpuSeconds: number;
  /** Requests the server answered during the run (the gateway: from every client of it). */
  readonly requests: number;
  readonly bytes: number;
  readonly files: number;
}

/** The Longshore row of a device on a target: `longshore-ext2`, `longshore-dir (embedded)`… */
export function longshoreRow(device: 'dir' | 'ext2', target: TargetName): RowName {
  const base = `longshore-${device}` as const;
  if (target === 'rgw') return base;
  return target === 'embedded' ? `${base} (embedded)` : `${base} (null sink)`;
}
