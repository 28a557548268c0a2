import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** An unused TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Event-loop delay of the server, in milliseconds (see loop-delay.ts). */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

const LOOP_DELAY_PREFIX = 'longshore-bench-loop-delay ';

export interface ServeProcess {
  proc: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /**
   * The event-loop delay since the previous call (or the start), when the server runs with
   * loop-delay.js imported; null after 5 s without an answer.
   */
  loopDelay(): Promise<LoopDelay | null>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

/** Starts `node bin/longshore.js serve ARGS` and waits for its ready banner. */
export function startServe(cli: string, args: string[], nodeArgs: string[] = []): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, cli, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let delayWaiters: ((delay: LoopDelay) => void)[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${text}`)), 60_000);
    let ready = false;
    const onLines = (lines: string[]) => {
      for (const line of lines) {
        if (!line.startsWith(LOOP_DELAY_PREFIX)) {
          text += `${line}\n`;
          continue;
        }
        const delay = JSON.parse(line.slice(LOOP_DELAY_PREFIX.length)) as LoopDelay;
        const waiters = delayWaiters;
        delayWaiters = [];
        for (const waiter of waiters) waiter(delay);
      }
      const match = /API\s+(http:\/\/\S+?)\/?\n/.exec(text);
      if (!ready && text.includes('longshore serve: ready') && match && proc.pid !== undefined) {
        ready = true;
        clearTimeout(timer);
        const pid = proc.pid;
        const loopDelay = (): Promise<LoopDelay | null> =>
          new Promise((done) => {
            const timer = setTimeout(() => done(null), 5_000);
            delayWaiters.push((delay) => {
              clearTimeout(timer);
              done(delay);
            });
            process.kill(pid, 'SIGUSR2');
          });
        resolve({ proc, pid, url: match[1]!, output: () => text, loopDelay, exited, stop });
      }
    };
    for (const stream of [proc.stdout, proc.stderr]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        onLines(lines);
      });
    }
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (code ${code}, signal ${signal}):\n${text}`));
    });
  });
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux we run on). */
const CLOCK_TICKS = 100;

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size now and its peak over the process's life (VmRSS, VmHWM), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the highest seen, in MiB. */
export function sampleRss(pid: number, intervalMs = 100): () => number {
  let max = memoryMiB(pid).rss;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, memoryMiB(pid).rss);
    } catch {
      // the process has gone; keep what was seen
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return max;
  };
}

/** CPU seconds the whole machine has spent busy (all CPUs, everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (total - idle) / CLOCK_TICKS;
}

/**
 * Waits until the machine has been nearly idle (under `maxBusyCores` busy) for one second, or
 * `timeoutS` passed. Returns the busy cores of the last second seen.
 */
export async function waitForQuiet(maxBusyCores: number, timeoutS: number): Promise<number> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = machineBusySeconds() - before;
    if (busy <= maxBusyCores || Date.now() >= deadline) return busy;
  }
}
