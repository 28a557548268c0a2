/**
 * The resident memory of a running client over time: VmRSS from /proc/<pid>/status every 250 ms,
 * of the child of the process we started (GNU time runs the client as its only child). The series
 * is kept whole while sampling and downsampled (the largest value of each bucket) when it stops.
 */
import { readFileSync } from 'node:fs';

/** RSS samples of one run: `mib[i]` is the largest sample of the i-th `intervalMs` bucket. */
export interface RssSeries {
  readonly intervalMs: number;
  readonly mib: readonly number[];
  /** The largest sample (GNU time's peak, from the kernel, is the exact one). */
  readonly peakMiB: number;
  /** How many samples were taken. */
  readonly samples: number;
}

/** A running sampler. */
export interface RssSampler {
  /** Stops sampling (again: no effect) and returns the series, at most MAX_POINTS long. */
  stop(): RssSeries;
}

const INTERVAL_MS = 250;
const MAX_POINTS = 240;

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The first child of `pid` (Linux: /proc/<pid>/task/<pid>/children), or null. */
function firstChild(pid: number): number | null {
  const text = readOrNull(`/proc/${pid}/task/${pid}/children`);
  const first = text?.trim().split(/\s+/)[0];
  return first ? Number(first) : null;
}

/** VmRSS of `pid` in MiB, or null when it is gone. */
function rssMiB(pid: number): number | null {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readOrNull(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) / 1024 : null;
}

/** The largest value of each run of `factor` samples. */
function downsample(values: readonly number[], factor: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += factor) out.push(Math.max(...values.slice(i, i + factor)));
  return out;
}

/** Samples the RSS of the child of `parentPid` every 250 ms until stopped. Never throws. */
export function sampleChildRss(parentPid: number): RssSampler {
  const samples: number[] = [];
  let child: number | null = null;
  const timer = setInterval(() => {
    child ??= firstChild(parentPid);
    const value = child === null ? null : rssMiB(child);
    if (value !== null) samples.push(Number(value.toFixed(1)));
  }, INTERVAL_MS);
  let result: RssSeries | null = null;
  return {
    stop() {
      clearInterval(timer);
      if (result !== null) return result;
      const factor = Math.max(1, Math.ceil(samples.length / MAX_POINTS));
      result = {
        intervalMs: INTERVAL_MS * factor,
        mib: downsample(samples, factor),
        peakMiB: samples.length > 0 ? Math.max(...samples) : 0,
        samples: samples.length,
      };
      return result;
    },
  };
}
