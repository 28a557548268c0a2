import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';

// Shared by the directory and NTFS reader tests: walk, read and hash, run a command.

const execFileAsync = promisify(execFile);

/** Runs a command (no shell) and returns its stdout; rejects with its stderr in the message. */
export async function sh(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await execFileAsync(command, [...args], { maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${command} ${args.join(' ')}: ${e.stderr || e.message}`);
  }
}

/** SHA-256 (hex) of a buffer or string. */
export const sha256Of = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 and length of everything a stream gives; rejects with the stream's error. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** SHA-256 of a file on the host. */
export async function sha256OfFile(path: string): Promise<string> {
  return (await hashStream(createReadStream(path, { highWaterMark: 4 << 20 }))).sha256;
}

/** Every entry a walk yields, in order. */
export async function collect(reader: DeviceReader): Promise<DeviceEntry[]> {
  const entries: DeviceEntry[] = [];
  for await (const entry of reader.walk()) entries.push(entry);
  return entries;
}

/** What reading one entry gave: its hash and length, or the error that ended the stream. */
export type ReadOutcome = { sha256: string; bytes: number } | { error: unknown };

/** Walks the whole volume and reads every file: entries in walk order, outcomes by path. */
export async function readEverything(
  reader: DeviceReader,
): Promise<{ entries: DeviceEntry[]; reads: Map<string, ReadOutcome> }> {
  const entries = await collect(reader);
  const reads = new Map<string, ReadOutcome>();
  for (const entry of entries.filter((e) => e.type === 'file' && !e.error)) {
    reads.set(entry.path, await hashStream(reader.openFile(entry)).catch((error: unknown) => ({ error })));
  }
  return { entries, reads };
}
