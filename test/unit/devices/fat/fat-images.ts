import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import {
  clusterOffset,
  readFatBootSector,
  type FatGeometry,
} from '../../../../src/devices/fat/boot-sector.js';

// Test helpers: build FAT images with dosfstools + mtools, and read them back through a reader.

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8', TZ: 'UTC' };

/** Runs an mtools / dosfstools command (UTC, UTF-8, no geometry check); returns its stdout. */
export function tool(command: string, args: string[]): string {
  return execFileSync(command, args, {
    env: MTOOLS_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A file to create: its bytes and (even-second) mtime. */
export interface SourceFile {
  readonly content: string | Buffer;
  readonly mtime?: Date;
}

const DEFAULT_MTIME = new Date('2020-02-03T04:05:06Z');

/**
 * Writes `files` (relative paths) and empty `dirs` under `root`. Files default to mtime
 * 2020-02-03 04:05:06Z; every directory below `root` gets 2011-11-11 11:11:10Z.
 */
export function makeTree(root: string, files: Record<string, SourceFile>, dirs: string[] = []): void {
  for (const dir of dirs) mkdirSync(join(root, dir), { recursive: true });
  for (const [path, file] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), file.content);
    const mtime = file.mtime ?? DEFAULT_MTIME;
    utimesSync(join(root, path), mtime, mtime);
  }
  const dirMtime = new Date('2011-11-11T11:11:10Z');
  const touchDirs = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (!statSync(full).isDirectory()) continue;
      touchDirs(full);
      utimesSync(full, dirMtime, dirMtime);
    }
  };
  touchDirs(root);
}

/** mkfs arguments per width: FAT32 needs ≥ 33 MiB for mtools, FAT12 < 4085 clusters. */
const MKFS: Record<'FAT12' | 'FAT16' | 'FAT32', { kib: number; args: string[] }> = {
  FAT32: { kib: 40 * 1024, args: ['-F', '32', '-s', '1'] },
  FAT16: { kib: 16 * 1024, args: ['-F', '16', '-s', '4'] },
  FAT12: { kib: 2 * 1024, args: ['-F', '12', '-s', '4'] },
};

/** Makes an empty FAT image at `image` (`kib` overrides the default size). */
export function makeImage(
  image: string,
  kind: 'FAT12' | 'FAT16' | 'FAT32',
  options: { label?: string; kib?: number } = {},
): void {
  const { kib, args } = MKFS[kind];
  const label = options.label ? ['-n', options.label] : [];
  tool('mkfs.vfat', ['-C', image, String(options.kib ?? kib), ...args, ...label]);
}

/** Copies the contents of `sourceDir` into the image's root, keeping mtimes. */
export function copyIn(image: string, sourceDir: string, target = '::/'): void {
  const names = readdirSync(sourceDir).map((n) => join(sourceDir, n));
  if (names.length > 0) tool('mcopy', ['-s', '-m', '-Q', '-i', image, ...names, target]);
}

/** Cluster ranges [first, last] that mshowfat reports for `path` (e.g. `/dir/file`). */
export function clustersOf(image: string, path: string): Array<[number, number]> {
  const out = tool('mshowfat', ['-i', image, `::${path}`]);
  return [...out.matchAll(/<(\d+)(?:-(\d+))?>/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
}

/** The image's geometry, from its boot sector. */
export function geometryOf(image: string): FatGeometry {
  return readFatBootSector(readFileSync(image).subarray(0, 512), image);
}

/** Byte range [start, end) of one cluster of the image. */
export function clusterRange(image: string, cluster: number): { start: number; end: number } {
  const geometry = geometryOf(image);
  const start = clusterOffset(geometry, cluster);
  return { start, end: start + geometry.clusterSize };
}

/** Overwrites bytes of the image in place. */
export function patchBytes(image: string, offset: number, bytes: Buffer): void {
  const fd = openSync(image, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Sets `cluster`'s FAT16/FAT32 entry to `value` in every FAT copy. */
export function patchFat(image: string, cluster: number, value: number): void {
  const geometry = geometryOf(image);
  const width = geometry.entryBits / 8;
  const bytes = Buffer.alloc(width);
  if (width === 4) bytes.writeUInt32LE(value);
  else bytes.writeUInt16LE(value);
  for (const copy of geometry.fatCopies) {
    patchBytes(image, geometry.fatOffset + copy * geometry.fatSize + cluster * width, bytes);
  }
}

/**
 * Forgets FAT32's next-free-cluster hint (FSInfo), so that mtools fills the first hole again:
 * how the tests make a fragmented file.
 */
export function forgetFreeClusterHint(image: string): void {
  const boot = readFileSync(image).subarray(0, 512);
  const fsInfo = boot.readUInt16LE(48) * boot.readUInt16LE(11);
  patchBytes(image, fsInfo + 492, Buffer.from([0xff, 0xff, 0xff, 0xff]));
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What a source tree holds: path → sha256, size and mtime for files, type for directories. */
export interface Expected {
  readonly type: 'file' | 'directory';
  readonly sha256?: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Every entry below `root`, relative '/'-separated paths. */
export function expectedTree(root: string, prefix = ''): Map<string, Expected> {
  const result = new Map<string, Expected>();
  for (const name of readdirSync(root)) {
    const full = join(root, name);
    const path = prefix ? `${prefix}/${name}` : name;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      result.set(path, { type: 'directory', size: 0, mtimeMs: stat.mtimeMs });
      for (const [p, e] of expectedTree(full, path)) result.set(p, e);
    } else {
      const bytes = readFileSync(full);
      result.set(path, { type: 'file', sha256: sha256(bytes), size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return result;
}

/** Reads a file stream to the end; resolves the bytes or rejects with the stream's error. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One walked entry with its read result. */
export interface ReadBack {
  readonly entry: DeviceEntry;
  readonly sha256?: string;
  readonly bytes?: number;
  readonly readError?: unknown;
}

/** Walks the reader and reads every file; keeps the walk order. */
export async function readEverything(reader: DeviceReader): Promise<ReadBack[]> {
  const result: ReadBack[] = [];
  for await (const entry of reader.walk()) {
    if (entry.type !== 'file' || entry.error) {
      result.push({ entry });
      continue;
    }
    try {
      const bytes = await readStream(reader.openFile(entry));
      result.push({ entry, sha256: sha256(bytes), bytes: bytes.length });
    } catch (readError) {
      result.push({ entry, readError });
    }
  }
  return result;
}

/** Opens an image file as a BlockSource. */
export const openImage = (image: string): Promise<BlockSource> => openBlockSource(image);
