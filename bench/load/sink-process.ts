/**
 * The null S3 sink (bench/load/sink.ts) as a child process of the bench, so that its CPU is its
 * own and not the client's: start it, read a bucket's figures, drop a bucket, stop it.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the sink holds for a bucket, and how many S3 requests it has served in all. */
export interface SinkStats {
  readonly exists: boolean;
  readonly objects: number;
  readonly bytes: number;
  readonly requests: number;
}

/** A running sink. */
export interface Sink {
  readonly endpoint: string;
  readonly pid: number;
  stats(bucket: string): Promise<SinkStats>;
  /** Forgets the bucket and its keys. */
  drop(bucket: string): Promise<void>;
  stop(): Promise<void>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'sink.js');

async function call(endpoint: string, method: string, path: string): Promise<SinkStats> {
  const answer = await fetch(`${endpoint}${path}`, { method });
  if (!answer.ok) throw new Error(`sink ${method} ${path}: ${answer.status}`);
  return (await answer.json()) as SinkStats;
}

/** Starts `node sink.js` on a free port. Throws when it does not say where it listens in 10 s. */
export async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the sink did not start: ${text}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /sink listening on (\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sink exited with ${code}: ${text}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    pid: child.pid!,
    stats: (bucket) => call(endpoint, 'GET', `/_sink/stats?bucket=${encodeURIComponent(bucket)}`),
    async drop(bucket) {
      await call(endpoint, 'DELETE', `/_sink/bucket?bucket=${encodeURIComponent(bucket)}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
