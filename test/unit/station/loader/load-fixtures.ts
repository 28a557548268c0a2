import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseImportLog, type ImportLogRow } from '../../../../src/station/import-log/index.js';
import {
  runLoad,
  type LoadOptions,
  type LoadProgressEvent,
  type LoadSummary,
} from '../../../../src/station/loader/index.js';
import { openEmbeddedStore, type ObjectStore } from '../../../../src/storage/index.js';
import { copyIn, makeImage, makeTree, type SourceFile } from '../../devices/fat/fat-images.js';
import { FakeControl } from './fake-control.js';
import { FaultyStore } from './faulty-store.js';

// Shared set-up of the loader tests: a FAT32 image built with mkfs.vfat + mcopy from a tree made
// here, an embedded store in a temp folder behind the fault-injecting wrapper, a fake control
// plane, and ways to read back what landed in the bucket.

export const MIB = 1024 * 1024;
export const JOB_ID = 'ABC12';
export const BUCKET = 'photos';
export const LOG_BUCKET = 'photo-logs';

/** An import manifest: files under `disk/`, typed, stamped, gzip-aware, log to LOG_BUCKET/logs/. */
export function manifestText(extra = ''): string {
  return `manifestVersion: 2.0
bucket: ${BUCKET}
deviceId: WD-1
eraseDevice: yes
prefix: disk/
logBucket: ${LOG_BUCKET}
logPrefix: logs/
setContentEncodingForGzFiles: yes
diskTimestampMetadataKey: disk-mtime
staticMetadata:
  origin: station-test
ignore:
  - \\.tmp$
returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
${extra}`;
}

/** Deterministic pseudo-random bytes (xorshift). */
export function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** The standard tree: small files, two multipart-sized ones, a gzip stream, an ignored file, SIGNATURE. */
export function standardTree(smallCount = 12): Record<string, SourceFile> {
  const files: Record<string, SourceFile> = {
    SIGNATURE: { content: 'version:2.0\njobId:ABC12\n' },
    'readme.txt': { content: 'hello, world\n', mtime: new Date('2019-05-06T07:08:10Z') },
    'empty.dat': { content: Buffer.alloc(0) },
    'scratch.tmp': { content: 'ignored by the manifest\n' },
    'data/archive.bin': { content: gzipSync(Buffer.from('packed text\n'.repeat(50))) },
    'big/one.bin': { content: noise(12 * MIB + 321, 1) },
    'big/two.bin': { content: noise(11 * MIB, 2) },
  };
  for (let i = 0; i < smallCount; i++) {
    files[`small/file-${String(i).padStart(3, '0')}.txt`] = { content: noise(1000 + i * 997, 100 + i) };
  }
  return files;
}

/** A scratch folder removed by `remove`. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds a FAT32 image of `files` in `dir`; returns its path. */
export function fatImage(dir: string, files: Record<string, SourceFile>, kib = 64 * 1024): string {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  makeTree(src, files);
  const image = join(dir, 'disk.img');
  makeImage(image, 'FAT32', { kib, label: 'LOADTEST' });
  copyIn(image, src);
  return image;
}

/** What one load test works with. */
export interface Bench {
  readonly control: FakeControl;
  readonly store: FaultyStore;
  readonly storeRoot: string;
  readonly workDir: string;
  readonly events: LoadProgressEvent[];
  /** runLoad with the bench's control, store and workDir, small parts and quick retries. */
  load(extra?: Partial<LoadOptions>): Promise<LoadSummary>;
  /** A new store instance on the same root, behind a new wrapper (a restarted station). */
  restartStore(): Promise<FaultyStore>;
}

/** A bench over `image` (a FAT32 volume at offset 0) in `dir`, with both buckets created. */
export async function bench(
  dir: string,
  image: string,
  fileSystem = 'FAT32',
  manifest = manifestText(),
): Promise<Bench> {
  const storeRoot = join(dir, 'store');
  const workDir = join(dir, 'work');
  mkdirSync(workDir, { recursive: true });
  const inner = await openEmbeddedStore(storeRoot);
  await inner.createBucket(BUCKET);
  await inner.createBucket(LOG_BUCKET);
  const device = { path: image, volumeOffset: 0, fileSystem, warnings: [] };
  const events: LoadProgressEvent[] = [];
  const state = { store: new FaultyStore(inner) };
  const result: Bench = {
    control: new FakeControl(JOB_ID, manifest, device),
    get store() {
      return state.store;
    },
    storeRoot,
    workDir,
    events,
    load: (extra = {}) =>
      runLoad({
        control: result.control,
        jobId: JOB_ID,
        store: state.store,
        workDir,
        readerOptions: { fatTimeZone: 'UTC' },
        partSize: 5 * MIB,
        maxInFlightBytes: 32 * MIB,
        retry: { attempts: 4, baseMs: 1, maxMs: 5 },
        checkpointEveryMs: 100,
        onProgress: (event) => events.push(event),
        ...extra,
      }),
    restartStore: async () => {
      state.store = new FaultyStore(await openEmbeddedStore(storeRoot));
      return state.store;
    },
  };
  return result;
}

/** An object's bytes. */
export async function objectBytes(store: ObjectStore, bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getObject(bucket, key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The uploaded import log's rows. */
export async function uploadedLog(store: ObjectStore): Promise<ImportLogRow[]> {
  const text = (await objectBytes(store, LOG_BUCKET, `logs/import-log-${JOB_ID}.csv`)).toString('utf8');
  return parseImportLog(text);
}

/** Rows by file, failing when a file has two rows. */
export function rowsByFile(rows: readonly ImportLogRow[]): Map<string, ImportLogRow> {
  const byFile = new Map<string, ImportLogRow>();
  for (const row of rows) {
    if (byFile.has(row.file)) throw new Error(`two rows for ${row.file}`);
    byFile.set(row.file, row);
  }
  return byFile;
}

/** The content of a tree entry as a Buffer. */
export function contentOf(file: SourceFile): Buffer {
  return typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
}
