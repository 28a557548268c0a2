import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/*
 * Group commit for the embedded store. A new object needs its bytes and sidecar durable before
 * they get their names, and the names durable before the put is acknowledged. Doing that object
 * by object costs three fsyncs each (data, sidecar, folder): measured here, 1,700-1,900 objects of
 * 34 KiB per second, with 1.3 of the 2 cores busy in the kernel and the store (each fsync is a
 * journal commit and a cache flush of the virtual disk). One flush of the whole file system
 * instead makes the writes of every put waiting at that moment durable at once, so its cost is
 * shared by as many puts as are in flight.
 *
 * At most one flush runs. A caller that asks while one runs waits for the next: its writes may
 * have come after the running flush started, so that one does not cover them.
 */

/** One flush of everything written so far; rejects when the file system reports a write error. */
export type FlushOnce = () => Promise<void>;

/** Shares flushes among concurrent callers (see the note above). */
export class GroupFlush {
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #flushes = 0;

  constructor(private readonly flushOnce: FlushOnce) {}

  /** How many flushes have run (for tests and logs). */
  get flushes(): number {
    return this.#flushes;
  }

  /** Resolves once everything written before the call is durable. */
  flush(): Promise<void> {
    // A next flush already promised starts after this call: it covers the caller's writes.
    if (this.#next !== null) return this.#next;
    const running = this.#running;
    if (running === null) return this.#start();
    this.#next = running
      .catch(() => undefined)
      .then(() => {
        this.#next = null;
        return this.#start();
      });
    return this.#next;
  }

  #start(): Promise<void> {
    this.#flushes += 1;
    const flushing = this.flushOnce().finally(() => {
      if (this.#running === flushing) this.#running = null;
    });
    this.#running = flushing;
    return flushing;
  }
}

/**
 * What the flusher shell runs for each request line: syncfs(2) on the store's file system, then
 * `ok`, or `failed: ` and sync's complaint on the same line (no globbing of it: `set -f`).
 */
const FLUSH_LOOP = [
  'set -f',
  'while read -r _; do',
  '  if err=$(sync --file-system "$1" 2>&1); then echo ok; else echo "failed: $(echo $err)"; fi',
  'done',
].join('\n');

/**
 * Flushes the file system holding `path` with syncfs(2), through coreutils' `sync --file-system`
 * run by one long-lived shell (Node has no binding for syncfs; a process started from the store's
 * own, large process for each flush cost more than the fsyncs it saved: fork write-protects every
 * page of the parent). It reports writeback errors (EIO, ENOSPC) recorded since the last flush,
 * which fail the batch. The shell starts at the first flush and ends with close().
 */
export class FileSystemFlusher {
  #shell: ChildProcessWithoutNullStreams | null = null;
  #waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #buffered = '';

  constructor(private readonly path: string) {}

  /** One flush; see the class note. */
  readonly flushOnce: FlushOnce = () =>
    new Promise((resolve, reject) => {
      const shell = this.#shell ?? this.#start();
      this.#waiting.push({ resolve, reject });
      holdProcess(shell, true);
      shell.stdin.write('\n');
    });

  /** Ends the shell; flushes still waiting fail. */
  close(): void {
    this.#shell?.kill();
    this.#fail('the store was closed');
  }

  #start(): ChildProcessWithoutNullStreams {
    const shell = spawn('/bin/sh', ['-c', FLUSH_LOOP, 'sh', this.path], { stdio: 'pipe' });
    this.#shell = shell;
    shell.stdout.setEncoding('utf8');
    shell.stdout.on('data', (text: string) => this.#answer(text));
    shell.stderr.on('data', () => undefined);
    shell.stdin.on('error', () => undefined);
    shell.on('error', (error) => this.#ended(shell, error.message));
    shell.on('exit', (code, signal) => this.#ended(shell, `it ended (${signal ?? code})`));
    holdProcess(shell, false);
    return shell;
  }

  #answer(text: string): void {
    this.#buffered += text;
    let newline = this.#buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.#buffered.slice(0, newline);
      this.#buffered = this.#buffered.slice(newline + 1);
      const waiter = this.#waiting.shift();
      if (line === 'ok') waiter?.resolve();
      else waiter?.reject(flushError(this.path, `sync --file-system ${line}`));
      newline = this.#buffered.indexOf('\n');
    }
    if (this.#waiting.length === 0 && this.#shell !== null) holdProcess(this.#shell, false);
  }

  #ended(shell: ChildProcessWithoutNullStreams, why: string): void {
    if (this.#shell !== shell) return;
    this.#shell = null;
    this.#buffered = '';
    this.#fail(`the flusher shell failed: ${why}`);
  }

  #fail(why: string): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(flushError(this.path, why));
  }
}

/**
 * Keeps the process alive while flushes wait for the shell's answer, and lets it end while the
 * shell is idle (the store has no say in when its owner ends).
 */
function holdProcess(shell: ChildProcessWithoutNullStreams, hold: boolean): void {
  for (const handle of [shell, shell.stdin, shell.stdout, shell.stderr] as object[]) {
    const refs = handle as { ref?: () => void; unref?: () => void };
    if (hold) refs.ref?.();
    else refs.unref?.();
  }
}

function flushError(path: string, detail: string): Error {
  // EIO whatever the cause: the writes are not known to be durable.
  return Object.assign(new Error(`could not flush the file system of ${path}: ${detail}`), { code: 'EIO' });
}
