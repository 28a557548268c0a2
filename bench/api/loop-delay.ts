/**
 * Loaded into the server process with `node --import` (no server code changes): measures the
 * event loop's delay, and on SIGUSR2 prints what it saw since the last SIGUSR2 as one line,
 * `longshore-bench-loop-delay {"p50":..,"p99":..,"max":..,"mean":..}` (milliseconds), on stderr.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export const LOOP_DELAY_PREFIX = 'longshore-bench-loop-delay ';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

process.on('SIGUSR2', () => {
  const figures = {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    mean: ms(histogram.mean),
  };
  histogram.reset();
  process.stderr.write(`${LOOP_DELAY_PREFIX}${JSON.stringify(figures)}\n`);
});
