import { Worker } from 'node:worker_threads';
import { translateJavaRegex } from '../../manifest/index.js';

// The manifest's `ignore` patterns are customer-supplied Java regular expressions (reference §2.3,
// A-Ignore), and a backtracking engine can take exponential time on them (`^(a+)+$` against
// `aaaa…!`). JavaScript cannot interrupt a running RegExp, so the patterns run in a worker thread:
// the planning thread hands it a path, then blocks in Atomics.wait for at most the time budget. A
// pattern that overruns gets its worker terminated (V8 interrupts the regex; measured at ~12 ms)
// and the next path starts a fresh worker. The planner's thread therefore never spends more than
// the budget (plus the worker's start, ~0.1 s, awaited separately) on one path, whatever the
// pattern. Matching is Java's Matcher.find(): a pattern may match anywhere in the `/`-separated
// path (A-Ignore's examples `\.psd$` and `^backup/` only make sense that way). One round trip costs
// ~30 µs, for all the patterns at once.

/** What matching one path gave: the first matching pattern's index, or a timeout. */
export type IgnoreMatch = { matched: number | null } | { timedOut: true };

const STATE_IDLE = 0;
const STATE_BUSY = 1;
const STATE_DONE = 2;
const STATE_READY = 3;
const WORKER_START_MS = 10_000;

// Plain JavaScript run by `new Worker(..., { eval: true })`, so it works from TypeScript sources
// (tests) and the build alike (process.getBuiltinModule: read as a script or, under
// --input-type=module, as a module). ctrl: [0] state, [1] result index (-1: none), [2] request number.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const ctrl = new Int32Array(workerData.shared);
const patterns = workerData.patterns.map((p) => new RegExp(p.source, p.flags));
parentPort.on('message', (request) => {
  let found = -1;
  for (let i = 0; i < patterns.length; i++) {
    patterns[i].lastIndex = 0;
    if (patterns[i].test(request.path)) { found = i; break; }
  }
  Atomics.store(ctrl, 1, found);
  Atomics.store(ctrl, 2, request.seq);
  Atomics.store(ctrl, 0, ${STATE_DONE});
  Atomics.notify(ctrl, 0);
});
Atomics.store(ctrl, 0, ${STATE_READY});
Atomics.notify(ctrl, 0);
`;

interface RunningWorker {
  worker: Worker;
  ctrl: Int32Array;
}

/**
 * Matches device paths against the `ignore` patterns with a time budget per path. Construction
 * throws when a pattern cannot be translated from Java syntax (a validated manifest never has one).
 * `match` throws only when a worker thread cannot be started at all.
 */
export class IgnoreMatcher {
  private readonly patterns: { source: string; flags: string }[];
  private running: RunningWorker | null = null;
  private seq = 0;

  constructor(
    javaPatterns: readonly string[],
    private readonly budgetMs: number,
  ) {
    this.patterns = javaPatterns.map((java) => {
      const result = translateJavaRegex(java);
      if (!result.ok) throw new Error(`ignore pattern '${java}' cannot be used: ${result.error}`);
      return { source: result.regex.source, flags: result.regex.flags.replace(/[gy]/g, '') };
    });
  }

  /** The first pattern that finds a match in `path`, none, or a timeout (the file must not load). */
  match(path: string): IgnoreMatch {
    if (this.patterns.length === 0) return { matched: null };
    const { worker, ctrl } = this.ensureWorker();
    const seq = (this.seq = (this.seq + 1) & 0x7fffffff);
    Atomics.store(ctrl, 0, STATE_BUSY);
    worker.postMessage({ path, seq });
    Atomics.wait(ctrl, 0, STATE_BUSY, this.budgetMs);
    if (Atomics.load(ctrl, 0) === STATE_DONE && Atomics.load(ctrl, 2) === seq) {
      const found = Atomics.load(ctrl, 1);
      Atomics.store(ctrl, 0, STATE_IDLE);
      return { matched: found < 0 ? null : found };
    }
    this.stopWorker();
    return { timedOut: true };
  }

  /** Stops the worker thread, if one runs. Safe to call twice. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running) await running.worker.terminate();
  }

  private ensureWorker(): RunningWorker {
    if (this.running) return this.running;
    const shared = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const ctrl = new Int32Array(shared);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared, patterns: this.patterns } });
    worker.unref();
    // A crashed worker shows up as a timeout on the next match; never as an unhandled 'error'.
    worker.on('error', () => {});
    Atomics.wait(ctrl, 0, STATE_IDLE, WORKER_START_MS);
    if (Atomics.load(ctrl, 0) !== STATE_READY) {
      void worker.terminate();
      throw new Error(`the ignore-pattern worker did not start within ${WORKER_START_MS} ms`);
    }
    this.running = { worker, ctrl };
    return this.running;
  }

  private stopWorker(): void {
    const running = this.running;
    this.running = null;
    // Each worker has its own shared buffer, so a late answer from this one cannot be misread.
    if (running) void running.worker.terminate();
  }
}
