/**
 * One timed read of a whole volume, in its own process so that its peak RSS is its own:
 * `node reader-child.js --dist DIR --target IMAGE|DIR --work DIR [--md5]`. Opens the target with
 * the device API, walks it, reads every file to the end (and hashes it with --md5, as the loader
 * does), closes, and prints one JSON line (ChildResult). Exit code 1, with the error on stderr,
 * when anything fails: an entry with an error, a file whose byte count differs from its size.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDevicesApi, openSingleVolume, type BenchEntry, type BenchReader } from './devices-api.js';
import { treeDigest } from './trees.js';

/** What one read of a volume measured. */
export interface ChildResult {
  readonly fileSystem: string;
  readonly files: number;
  readonly bytes: number;
  /** treeDigest of every file's MD5, or null without --md5. */
  readonly digest: string | null;
  /** From openDevice to after close(): open (and mount, for NTFS), walk, read, close. */
  readonly seconds: number;
  /** The part spent in openDevice and opening the volume. */
  readonly openSeconds: number;
  /** process.resourceUsage().maxRSS, in KiB. */
  readonly maxRssKiB: number;
}

async function readFile(
  reader: BenchReader,
  entry: BenchEntry,
  md5: boolean,
): Promise<[bytes: number, md5: string]> {
  const hash = md5 ? createHash('md5') : null;
  let bytes = 0;
  for await (const chunk of reader.openFile(entry) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash?.update(chunk);
  }
  if (bytes !== entry.size) throw new Error(`${entry.path}: read ${bytes} bytes, size says ${entry.size}`);
  return [bytes, hash?.digest('hex') ?? ''];
}

async function readVolume(reader: BenchReader, md5: boolean) {
  const sums: [string, string][] = [];
  let bytes = 0;
  for await (const entry of reader.walk()) {
    if (entry.error) throw entry.error;
    if (entry.type === 'directory') continue;
    if (entry.type !== 'file') throw new Error(`${entry.path}: unexpected ${entry.type}`);
    const [size, sum] = await readFile(reader, entry, md5);
    bytes += size;
    sums.push([entry.path, sum]);
  }
  return { files: sums.length, bytes, digest: md5 ? treeDigest(sums) : null };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dist: { type: 'string' },
      target: { type: 'string' },
      work: { type: 'string' },
      md5: { type: 'boolean', default: false },
    },
  });
  if (!values.dist || !values.target || !values.work)
    throw new Error('--dist, --target and --work are required');
  const api = await loadDevicesApi(resolve(values.dist));
  const started = performance.now();
  const { device, reader } = await openSingleVolume(api, resolve(values.target), resolve(values.work));
  const opened = performance.now();
  let read: Awaited<ReturnType<typeof readVolume>>;
  try {
    read = await readVolume(reader, values.md5);
  } finally {
    await reader.close();
    await device.close();
  }
  const result: ChildResult = {
    fileSystem: reader.fileSystem,
    ...read,
    seconds: (performance.now() - started) / 1000,
    openSeconds: (opened - started) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
