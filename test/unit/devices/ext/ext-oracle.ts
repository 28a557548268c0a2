import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { openBlockSource, type BlockSource } from '../../../../src/devices/block-source.js';
import { openExtVolume } from '../../../../src/devices/ext/index.js';
import { openExtVolume as openOracle } from '../../../../src/devices/ext2fs/index.js';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import type { SourceFile } from '../ext2fs/ext-images.js';

/**
 * Test helpers for the ext reader: images made with mke2fs -d, and the differential check against
 * the libext2fs reader (src/devices/ext2fs), which serves as the oracle.
 */

export type ExtKind = 'ext2' | 'ext3' | 'ext4';

/** How mke2fs builds an image. */
export interface ImageSpec {
  readonly kind: ExtKind;
  readonly size?: string;
  readonly blockSize?: number;
  readonly inodeSize?: number;
  /** mke2fs -N: how many inodes (fewer per group spreads files over more groups). */
  readonly inodeCount?: number;
  /** mke2fs -O list, e.g. 'inline_data' or '^64bit,meta_bg'. */
  readonly features?: string;
  readonly extended?: string;
}

/** Builds IMAGE from SRC with `mke2fs -q -t KIND -d SRC -F IMAGE SIZE` and the spec's options. */
export function makeImage(spec: ImageSpec, src: string, image: string): void {
  const args = ['-q', '-t', spec.kind, '-L', 'TESTVOL'];
  if (spec.blockSize) args.push('-b', String(spec.blockSize));
  if (spec.inodeSize) args.push('-I', String(spec.inodeSize));
  if (spec.inodeCount) args.push('-N', String(spec.inodeCount));
  if (spec.features) args.push('-O', spec.features);
  if (spec.extended) args.push('-E', spec.extended);
  execFileSync('mke2fs', [...args, '-d', src, '-F', image, spec.size ?? '64M'], { stdio: 'pipe' });
}

/** What a walk says of one entry, in comparable form. */
export interface EntryFacts {
  readonly path: string;
  readonly type: string;
  readonly size: number;
  readonly mtime: string;
  readonly invalidName: boolean;
  readonly error: string | null;
}

function factsOf(entry: DeviceEntry): EntryFacts {
  return {
    path: entry.path,
    type: entry.type,
    size: entry.size,
    mtime: entry.mtime.toISOString(),
    invalidName: entry.invalidName === true,
    error: entry.error ? `${entry.error.operation} ${entry.error.code}` : null,
  };
}

/** A walk's facts and the sha256 (or error code) of every file. */
export interface ReaderView {
  readonly entries: EntryFacts[];
  readonly hashes: Map<string, string>;
}

/** The sha256 of a file's bytes, or `error CODE @offset` when its stream failed. */
export async function hashFile(reader: DeviceReader, entry: DeviceEntry): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of reader.openFile(entry)) hash.update(chunk as Buffer);
  } catch (err) {
    const { code, offset } = err as { code?: string; offset?: number | null };
    return `error ${code} @${offset}`;
  }
  return hash.digest('hex');
}

/** Walks `reader` and hashes every file it yields. */
export async function viewOf(reader: DeviceReader): Promise<ReaderView> {
  const entries: DeviceEntry[] = [];
  for await (const entry of reader.walk()) entries.push(entry);
  const hashes = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type === 'file' && !entry.error) hashes.set(entry.path, await hashFile(reader, entry));
  }
  return { entries: entries.map(factsOf), hashes };
}

/** An image opened with this reader (`ours`) or the libext2fs one. */
export async function openWith(
  which: 'ours' | 'oracle',
  image: string,
  kind: ExtKind,
): Promise<{ reader: DeviceReader; source: BlockSource; close: () => Promise<void> }> {
  const source = await openBlockSource(image);
  const open = which === 'ours' ? openExtVolume : openOracle;
  const reader = await open(source, { kind, needsRecovery: false }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  return { reader, source, close: async () => (await reader.close(), await source.close()) };
}

/** Reads `image` with both readers and expects identical walks and file hashes; returns ours. */
export async function expectSameAsOracle(image: string, kind: ExtKind): Promise<ReaderView> {
  const views: ReaderView[] = [];
  for (const which of ['ours', 'oracle'] as const) {
    const opened = await openWith(which, image, kind);
    try {
      views.push(await viewOf(opened.reader));
    } finally {
      await opened.close();
    }
  }
  const [ours, oracle] = views as [ReaderView, ReaderView];
  expect(ours.entries).toEqual(oracle.entries);
  expect(Object.fromEntries(ours.hashes)).toEqual(Object.fromEntries(oracle.hashes));
  return ours;
}

/** Bytes that differ everywhere, from a seed (xorshift). */
export function patternBytes(length: number, seed: number): Buffer {
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

/** Byte offset and length of inode `path`'s record in the image (debugfs imap). */
export function inodeLocation(image: string, path: string, blockSize: number): number {
  const out = execFileSync('debugfs', ['-R', `imap /${path}`, image], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  const match = /located at block (\d+), offset (0x[0-9a-f]+)/.exec(out);
  if (!match) throw new Error(`debugfs imap /${path}: ${out}`);
  return Number(match[1]) * blockSize + Number(match[2]);
}

/** Physical block of logical block `logical` of `path` (debugfs bmap). */
export function physicalBlock(image: string, path: string, logical: number): number {
  const out = execFileSync('debugfs', ['-R', `bmap /${path} ${logical}`, image], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const block = Number(out.toString().trim());
  if (!Number.isInteger(block) || block <= 0)
    throw new Error(`no block ${logical} for ${path}: ${out.toString()}`);
  return block;
}

/** Output of a debugfs request on `image` (read-only). */
export function debugfs(image: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, image], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Expects every source file in the view with its size, mtime and bytes, and no entry errors. */
export function expectMatchesTree(view: ReaderView, files: readonly SourceFile[]): void {
  for (const file of files) {
    const entry = view.entries.find((e) => e.path === file.path);
    expect(entry, file.path).toMatchObject({
      type: 'file',
      size: file.bytes.length,
      mtime: file.mtime.toISOString(),
    });
    expect(view.hashes.get(file.path), file.path).toBe(createHash('sha256').update(file.bytes).digest('hex'));
  }
  expect(view.entries.filter((e) => e.error !== null)).toEqual([]);
}

/** Byte-wise comparison of two streams (cheaper than hashing gigabytes); the first difference, or null. */
export async function firstDifference(
  a: AsyncIterable<unknown>,
  b: AsyncIterable<unknown>,
): Promise<string | null> {
  const left = a[Symbol.asyncIterator]();
  const right = b[Symbol.asyncIterator]();
  let l: Buffer = Buffer.alloc(0);
  let r: Buffer = Buffer.alloc(0);
  let offset = 0;
  for (;;) {
    if (l.length === 0) l = ((await left.next()).value as Buffer | undefined) ?? Buffer.alloc(0);
    if (r.length === 0) r = ((await right.next()).value as Buffer | undefined) ?? Buffer.alloc(0);
    if (l.length === 0 || r.length === 0)
      return l.length === r.length ? null : `lengths differ at byte ${offset}`;
    const n = Math.min(l.length, r.length);
    if (!l.subarray(0, n).equals(r.subarray(0, n))) return `bytes differ in [${offset}, ${offset + n})`;
    l = l.subarray(n);
    r = r.subarray(n);
    offset += n;
  }
}
