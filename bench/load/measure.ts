/**
 * Timing one load: the wall time on the bench's clock, the client under GNU time (user+system CPU
 * of it and of every child it waited for, the peak RSS of the largest of them), optionally with
 * its RSS sampled over time, and the S3 server's daemons (ceph-osd, radosgw, ceph-mon, or the null sink) are read
 * from /proc before and after for their CPU seconds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCommand, type CommandResult } from '../devices/shell.js';
import { sampleChildRss, type RssSampler, type RssSeries } from './rss.js';

/** What one timed client command cost. */
export interface ClientCost {
  /** Wall seconds, from the start of the command to its end (the bench's clock). */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
  /** The client's RSS over time (when asked for). */
  readonly rss: RssSeries | null;
}

/** CPU seconds of a set of processes, by name. */
export type CpuByProcess = Record<string, number>;

/** Processes whose CPU is read around each run: name and PID. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
}

const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system, all threads) of a live process from /proc/<pid>/stat; 0 when the
 * process is gone. Never throws.
 */
export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The CPU seconds of every watched process, now. Never throws. */
export async function sampleCpu(watched: readonly WatchedProcess[]): Promise<CpuByProcess> {
  const sample: CpuByProcess = {};
  for (const process of watched) sample[process.name] = await processCpuSeconds(process.pid);
  return sample;
}

/**
 * CPU seconds the whole machine has spent busy (all cores: /proc/stat without idle and iowait),
 * since boot. Throws when /proc/stat cannot be read.
 */
export async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS
  );
}

/**
 * Waits until the machine is nearly idle (under `maxCores` busy over half a second), at most
 * `seconds`; returns the busy cores of the last sample. Errors: machineBusySeconds's.
 */
export async function waitForQuiet(seconds: number, maxCores = 0.3): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  for (;;) {
    const before = await machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cores = ((await machineBusySeconds()) - before) / 0.5;
    if (cores < maxCores || performance.now() >= deadline) return cores;
  }
}

/** after - before, per process. */
export function cpuSpent(before: CpuByProcess, after: CpuByProcess): CpuByProcess {
  return Object.fromEntries(
    Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]),
  );
}

/** The sum of a CpuByProcess. */
export function totalCpu(cpu: CpuByProcess): number {
  return Object.values(cpu).reduce((sum, value) => sum + value, 0);
}

/** Runs a command to its end; `onStart` gets its PID. Rejects only when it cannot be started. */
function runWatched(
  command: string,
  args: readonly string[],
  onStart: (pid: number) => void,
): Promise<CommandResult> {
  return spawnCommand(command, args, {}, onStart);
}

/**
 * Runs `command args` with `env` (added to this process's, minus AWS_CA_BUNDLE, which makes
 * rclone fail) under /usr/bin/time; with `sampleRss`, the command's RSS is sampled every 250 ms.
 * Throws an Error with the command's output when it exits non-zero or GNU time's report cannot be
 * read.
 */
export async function timeClient(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { sampleRss?: boolean } = {},
): Promise<ClientCost> {
  const dir = await mkdtemp(join(tmpdir(), 'longshore-load-time-'));
  const watch: { sampler?: RssSampler } = {};
  try {
    const report = join(dir, 'time');
    const fullEnv = { ...process.env, ...env } as Record<string, string>;
    delete fullEnv.AWS_CA_BUNDLE;
    const timeArgs = ['-f', '%e %U %S %M', '-o', report, command, ...args];
    const envArgs = ['-i', ...Object.entries(fullEnv).map(([k, v]) => `${k}=${v}`), '/usr/bin/time'];
    // env execs GNU time in place, so the spawned PID is time's and the client is its child.
    const result = await runWatched('env', [...envArgs, ...timeArgs], (pid) => {
      if (options.sampleRss === true) watch.sampler = sampleChildRss(pid);
    });
    const rss = watch.sampler?.stop() ?? null;
    if (result.code !== 0) {
      const output = `${result.stderr}\n${result.stdout}`.trim().slice(-3000);
      throw new Error(`${command} exited with ${result.code}: ${output}`);
    }
    const fields = (await readFile(report, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number);
    const [, user, system, rssKiB] = fields;
    if (fields.length !== 4 || fields.some((value) => !Number.isFinite(value))) {
      throw new Error(`cannot read GNU time's report for ${command}`);
    }
    // The bench's own clock (GNU time's %e has 10 ms steps; it adds about 2 ms of exec).
    return {
      seconds: result.seconds,
      cpuSeconds: user! + system!,
      peakRssMiB: rssKiB! / 1024,
      stdout: result.stdout,
      rss,
    };
  } finally {
    watch.sampler?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
