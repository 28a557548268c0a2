import { Worker } from 'node:worker_threads';

/*
 * The file work of new objects, done by a worker thread. Creating an object's two files (open,
 * write, close), renaming the sidecar into place and computing the body's MD5 are synchronous
 * calls of some tens of microseconds each; on the store's own thread they took about half of a
 * station's main thread when it loaded small files (20,000 files of 4-64 KiB: 5 s of 9.9), while
 * the second core sat partly idle. The worker runs them one after another on that core; the
 * store's thread only copies the body once and posts it. Requests made in the same turn of the
 * event loop go as one message, and so do their answers.
 *
 * The worker knows nothing of objects: it stages files under the names it is given (the data
 * file's name and the sidecar's text with the body's MD5 filled in) and renames them when told.
 * Durability and order stay with the store (group flushes between the steps).
 */

/** Text with the body's MD5 (hex) to go between its two parts. */
export type Md5Template = readonly [before: string, after: string];

/** Stages a new object's bytes (under their final name) and its sidecar (under a temporary one); not flushed. */
export interface StageRequest {
  /** The fan-out folder; created if missing. */
  dir: string;
  /** When this file exists, nothing is staged: the key has an object (answer 'exists'). */
  sidecarPath: string;
  /**
   * The data file's path. When a file of that name exists (bytes of a put that did not commit),
   * nothing is staged either (answer 'exists': the caller commits the slow way, over it).
   */
  dataPath: Md5Template;
  sidecarTemp: string;
  sidecar: Md5Template;
  body: Uint8Array | readonly Uint8Array[];
  /** The MD5 the body must have (hex), when the caller claims one; otherwise nothing is staged (answer 'bad-digest'). */
  md5Hex?: string;
}

/** What stage() did and, once staged, the body's MD5 (hex) and the data file's path. */
export type StageResult =
  { outcome: 'staged'; md5Hex: string; dataPath: string } | { outcome: 'exists' | 'bad-digest' };

type Request =
  | ({ kind: 'stage' } & Omit<StageRequest, 'body'>)
  | { kind: 'place'; renames: [string, string][] }
  | { kind: 'discard'; paths: string[] };

interface Answer {
  id: number;
  result?: StageResult;
  error?: { code: string; message: string };
}

// Plain JavaScript run by `new Worker(..., { eval: true })`, so it works from TypeScript sources
// (tests) and the build alike; modules come through process.getBuiltinModule, which works whether
// Node reads the source as a script or (under --input-type=module) as a module. Each message is a
// batch of requests; each gets an answer.
const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
const { createHash } = process.getBuiltinModule('node:crypto');
// Folders this thread made or found: each put would otherwise ask again (a mkdir call each).
const knownDirs = new Set();
function writeWhole(path, bytes) {
  const fd = fs.openSync(path, 'wx', 0o644);
  try {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
  } finally {
    fs.closeSync(fd);
  }
}
function makeDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  knownDirs.add(dir);
}
// writeWhole in a folder made if missing (again if it went away since this thread saw it).
function createIn(dir, path, bytes) {
  if (!knownDirs.has(dir)) makeDir(dir);
  try {
    writeWhole(path, bytes);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
    makeDir(dir);
    writeWhole(path, bytes);
  }
}
function removeQuietly(paths) {
  for (const path of paths) try { fs.rmSync(path, { force: true }); } catch {}
}
const handlers = {
  stage(r) {
    if (fs.existsSync(r.sidecarPath)) return { outcome: 'exists' };
    const body = new Uint8Array(r.body);
    const md5Hex = createHash('md5').update(body).digest('hex');
    if (r.md5Hex !== undefined && md5Hex !== r.md5Hex) return { outcome: 'bad-digest' };
    const dataPath = r.dataPath[0] + md5Hex + r.dataPath[1];
    try {
      createIn(r.dir, dataPath, body);
    } catch (error) {
      if (error?.code === 'EEXIST') return { outcome: 'exists' };
      throw error;
    }
    try {
      writeWhole(r.sidecarTemp, Buffer.from(r.sidecar[0] + md5Hex + r.sidecar[1], 'utf8'));
    } catch (error) {
      removeQuietly([dataPath, r.sidecarTemp]);
      throw error;
    }
    return { outcome: 'staged', md5Hex, dataPath };
  },
  place(r) {
    for (const [from, to] of r.renames) fs.renameSync(from, to);
  },
  discard(r) {
    removeQuietly(r.paths);
  },
};
function answer(r) {
  try {
    return { id: r.id, result: handlers[r.kind](r) };
  } catch (error) {
    const code = typeof error?.code === 'string' ? error.code : 'EIO';
    return { id: r.id, error: { code, message: String(error?.message ?? error) } };
  }
}
parentPort.on('message', (batch) => {
  // The bodies go back with the answers: collected by the store's thread, whose garbage collector
  // runs often, not left to this thread's, which allocates too little to run.
  const bodies = batch.flatMap((r) => (r.body === undefined ? [] : [r.body]));
  parentPort.postMessage(batch.map(answer), bodies);
});
`;

interface Waiting {
  resolve: (result: StageResult | undefined) => void;
  reject: (error: Error) => void;
}

/** The worker thread and its queue. The thread starts at the first request and ends with close(). */
export class ObjectStager {
  #worker: Worker | null = null;
  readonly #source: string;
  #nextId = 1;
  #waiting = new Map<number, Waiting>();
  #batch: (Request & { id: number; body?: ArrayBuffer })[] = [];
  #transfers: ArrayBuffer[] = [];

  /** `workerSource` replaces the worker's code: tests inject a failing worker with it. */
  constructor(workerSource: string = WORKER_SOURCE) {
    this.#source = workerSource;
  }

  /** Stages a new object (see StageRequest); fs errors reject with Node's code. */
  async stage(request: StageRequest): Promise<StageResult> {
    const { body, ...rest } = request;
    const result = await this.#send({ kind: 'stage', ...rest }, ownedCopy(body));
    if (result === undefined)
      throw Object.assign(new Error('the file worker gave no answer'), { code: 'EIO' });
    return result;
  }

  /** Renames each `[from, to]` in order (not flushed); the first failure rejects. */
  async place(renames: [string, string][]): Promise<void> {
    await this.#send({ kind: 'place', renames });
  }

  /** Removes the files, ignoring failures (never rejects). */
  async discard(paths: string[]): Promise<void> {
    await this.#send({ kind: 'discard', paths }).catch(() => undefined);
  }

  /** Ends the thread; requests still waiting fail. */
  close(): void {
    const worker = this.#worker;
    this.#worker = null;
    void worker?.terminate();
    this.#fail('the store was closed');
  }

  #send(request: Request, body?: ArrayBuffer): Promise<StageResult | undefined> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#waiting.set(id, { resolve, reject });
      this.#batch.push(body === undefined ? { ...request, id } : { ...request, id, body });
      if (body !== undefined) this.#transfers.push(body);
      if (this.#batch.length === 1) queueMicrotask(() => this.#post());
    });
  }

  #post(): void {
    if (this.#batch.length === 0) return;
    const worker = this.#worker ?? this.#start();
    const batch = this.#batch.splice(0);
    const transfers = this.#transfers.splice(0);
    worker.ref();
    worker.postMessage(batch, transfers);
  }

  #start(): Worker {
    const worker = new Worker(this.#source, { eval: true });
    this.#worker = worker;
    worker.on('message', (answers: Answer[]) => this.#answer(answers));
    worker.on('error', (error) => this.#ended(worker, error.message));
    worker.on('exit', (code) => this.#ended(worker, `it ended (${code})`));
    return worker;
  }

  #answer(answers: Answer[]): void {
    for (const answer of answers) {
      const waiter = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (answer.error === undefined) waiter?.resolve(answer.result);
      else waiter?.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
    }
    // Idle: the process may end without closing the store (nothing is lost: nothing waits).
    if (this.#waiting.size === 0) this.#worker?.unref();
  }

  #ended(worker: Worker, why: string): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    this.#fail(`the store's file worker failed: ${why}`);
  }

  #fail(why: string): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#batch.length = 0;
    this.#transfers.length = 0;
    for (const waiter of waiting) waiter.reject(Object.assign(new Error(why), { code: 'EIO' }));
  }
}

/**
 * The body in a buffer of its own, to hand to the worker without another copy. (Posting a Buffer
 * would copy the whole memory it is a view of: a pooled 1 MiB chunk, or Node's 8 KiB pool.)
 */
function ownedCopy(body: Uint8Array | readonly Uint8Array[]): ArrayBuffer {
  const chunks = body instanceof Uint8Array ? [body] : body;
  const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const copy = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    copy.set(chunk, offset);
    offset += chunk.length;
  }
  return copy.buffer;
}
