import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { resolveConfig, type StationClientConfig } from '../../config/index.js';
import type { ListedObject, ObjectStore } from '../../storage/index.js';
import { addConfigOptions } from '../config-options.js';
import type { CliIo } from '../io.js';
import { openConfiguredStore } from '../object-store.js';
import { printResult } from '../output.js';
import { usageInvalid } from '../usage-errors.js';

type Flags = Record<string, unknown>;

/** A parsed `s3://BUCKET/REST` address: REST is the prefix (ls) or the key (get), as written. */
export interface S3Address {
  bucket: string;
  rest: string;
}

/** Splits `s3://BUCKET[/REST]`. InvalidParameterException (usage error) naming `parameter` otherwise. */
export function parseS3Address(raw: string, parameter: string): S3Address {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(raw);
  if (!match) usageInvalid(parameter, raw, 'an address like s3://BUCKET/KEY');
  return { bucket: match[1]!, rest: match[2] ?? '' };
}

/** Runs `work` on the configured store (embedded in the data directory, or --s3-endpoint), then closes it. */
async function withStore<T>(
  flags: Flags,
  io: CliIo,
  work: (store: ObjectStore, config: StationClientConfig) => Promise<T>,
): Promise<T> {
  const config = resolveConfig('station', flags, io.env, io.cwd);
  const store = await openConfiguredStore(config.dataDir, config.s3);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

/** Every object under the prefix, page after page (listObjects gives up to 1000 at a time). */
async function* listAll(store: ObjectStore, bucket: string, prefix: string): AsyncGenerator<ListedObject[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.listObjects(bucket, prefix, startAfter);
    if (page.objects.length > 0) yield page.objects;
    const last = page.objects.at(-1);
    if (!page.truncated || last === undefined) return;
    startAfter = last.key;
  }
}

/** One listing line: `2024-05-01T12:00:00.000Z         1234  photos/a.jpg` (the key last: it may hold spaces). */
function listingLine(object: ListedObject): string {
  return `${object.lastModified.toISOString()}  ${String(object.size).padStart(14)}  ${object.key}\n`;
}

function registerList(objects: Command, io: CliIo): void {
  const cmd = objects
    .command('ls')
    .description(
      'list the objects under a bucket or prefix: last-modified, size, key (every level, in key order)',
    )
    .argument('<S3_ADDRESS>', 's3://BUCKET or s3://BUCKET/PREFIX');
  addConfigOptions(cmd, 'station');
  cmd.action(async (address: string, flags: Flags) => {
    const { bucket, rest: prefix } = parseS3Address(address, 'S3_ADDRESS');
    await withStore(flags, io, async (store, config) => {
      const listed: ListedObject[] = [];
      for await (const page of listAll(store, bucket, prefix)) {
        if (config.json) listed.push(...page);
        else io.stdout(page.map(listingLine).join(''));
      }
      if (config.json) printResult(io, true, { bucket, prefix, objects: listed }, '');
    });
  });
}

/** Where `get` writes: FILE, or FILE/<last part of the key> when FILE is a folder. */
async function destinationOf(file: string, key: string): Promise<string> {
  const stats = await fsp.stat(file).catch(() => null);
  return stats?.isDirectory() ? join(file, basename(key)) : file;
}

/** Streams the object into `path` through a temporary file beside it, renamed when complete. */
async function writeAtomically(body: Readable, path: string): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.longshore-${process.pid}.part`);
  try {
    await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
    const { size } = await fsp.stat(temp);
    await fsp.rename(temp, path);
    return size;
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
}

function registerGet(objects: Command, io: CliIo): void {
  const cmd = objects
    .command('get')
    .description("copy one object's bytes to a file (or to standard output with -)")
    .argument('<S3_ADDRESS>', 's3://BUCKET/KEY')
    .argument('<FILE>', "where to write it: a file, a folder (the key's last part is used), or - for stdout");
  addConfigOptions(cmd, 'station');
  cmd.action(async (address: string, file: string, flags: Flags) => {
    const { bucket, rest: key } = parseS3Address(address, 'S3_ADDRESS');
    if (key === '') usageInvalid('S3_ADDRESS', address, 'an address like s3://BUCKET/KEY, with a key');
    await withStore(flags, io, async (store, config) => {
      const body = await store.getObject(bucket, key);
      if (file === '-') {
        await pipeline(body, process.stdout, { end: false });
        return;
      }
      const path = await destinationOf(resolve(io.cwd, file), key);
      const bytes = await writeAtomically(body, path);
      printResult(
        io,
        config.json,
        { bucket, key, file: path, bytes },
        `s3://${bucket}/${key} -> ${path} (${bytes} bytes)`,
      );
    });
  });
}

/**
 * `longshore objects ls s3://BUCKET[/PREFIX]` and `longshore objects get s3://BUCKET/KEY FILE`
 * (DECISIONS §8): read back what loads wrote, from the embedded store in the data directory or
 * the --s3-endpoint target. Codes: NoSuchBucket, NoSuchKey, InvalidBucketName and the store's
 * other codes (exit 1); InvalidParameterException for a malformed address (exit 2).
 */
export function registerObjectsCommands(program: Command, io: CliIo): void {
  const objects = program
    .command('objects')
    .description(
      "read objects back from the station's storage target (the embedded store, or --s3-endpoint)",
    );
  registerList(objects, io);
  registerGet(objects, io);
}
