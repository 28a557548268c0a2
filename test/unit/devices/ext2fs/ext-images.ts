import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';

/** Test helpers: ext images built with mke2fs -d from a tree made here, and ways to read them back. */

export const BLOCK_SIZE = 4096;

/** A scratch directory, removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A source file of the test tree: its bytes and mtime (whole seconds, as ext2 keeps). */
export interface SourceFile {
  readonly path: string;
  readonly bytes: Buffer;
  readonly mtime: Date;
}

function pseudoRandomBytes(length: number, seed: number): Buffer {
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

/** The files of the standard test tree (directories and special files are added by makeTree). */
export function treeFiles(): SourceFile[] {
  const at = (n: number) => new Date(Date.UTC(2001 + n, n % 12, 1 + n, 10, 20, 30 + 2 * n));
  const files: [string, Buffer][] = [
    ['hello.txt', Buffer.from('hello, world\n')],
    ['with space.txt', Buffer.from('spaces in the name\n')],
    ['café/crème brûlée.txt', Buffer.from('accents\n')],
    ['日本語/ファイル.bin', pseudoRandomBytes(70_000, 7)],
    ['empty', Buffer.alloc(0)],
    ['a/b/c/d/deep.txt', Buffer.from('twelve levels would do too\n')],
    ['big.bin', pseudoRandomBytes(3 * 1024 * 1024 + 123, 11)],
    ['SIGNATURE', Buffer.from('job signature\n')],
    ['victim/one.txt', Buffer.from('in the directory that goes bad\n')],
    ['victim/two.txt', Buffer.from('also there\n')],
    ['zzz-after.txt', Buffer.from('walked after the bad directory\n')],
  ];
  return files.map(([path, bytes], i) => ({ path, bytes, mtime: at(i) }));
}

/** A name whose bytes are not UTF-8 (0xff 0xfe), with the content the test expects in it. */
export const INVALID_NAME = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]);
export const INVALID_NAME_CONTENT = Buffer.from('read through the raw name\n');

/** Special files makeTree adds when it may (device nodes need root), by path and entry type. */
const SPECIAL_FILES: [string, string, string[]][] = [
  ['chardev', 'char-device', ['mknod', 'c', '1', '3']],
  ['blockdev', 'block-device', ['mknod', 'b', '7', '200']],
  [
    'socket',
    'socket',
    ['python3', '-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])'],
  ],
];

/** Adds the device nodes and the socket it can; returns [path, type] of those it made. */
export function makeSpecialFiles(dir: string): [string, string][] {
  const made: [string, string][] = [];
  for (const [name, type, [command, ...args]] of SPECIAL_FILES) {
    const target = join(dir, name);
    const argv = command === 'mknod' ? [target, ...args] : [...args, target];
    try {
      execFileSync(command!, argv, { stdio: 'ignore' });
      made.push([name, type]);
    } catch {
      // not root, or no python3: the test checks only what exists
    }
  }
  return made;
}

/** Writes the standard tree into `dir`: files, an empty directory, a symlink, a FIFO, a bad name. */
export function makeTree(dir: string): SourceFile[] {
  const files = treeFiles();
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, file.bytes);
    utimesSync(target, file.mtime, file.mtime);
  }
  mkdirSync(join(dir, 'emptydir'));
  symlinkSync('hello.txt', join(dir, 'link'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), INVALID_NAME]), INVALID_NAME_CONTENT);
  const invalidDir = Buffer.concat([Buffer.from(`${dir}/dir-`), INVALID_NAME]);
  mkdirSync(invalidDir);
  writeFileSync(Buffer.concat([invalidDir, Buffer.from('/inside.txt')]), INVALID_NAME_CONTENT);
  return files;
}

/** Builds an ext image of `sizeSpec` from `srcDir` (seconds); `features` go to mke2fs -O. */
export function buildImage(
  kind: 'ext2' | 'ext3' | 'ext4',
  srcDir: string,
  image: string,
  options: { sizeSpec?: string; features?: string } = {},
): void {
  const features = options.features ? ['-O', options.features] : [];
  const args = [
    '-q',
    '-t',
    kind,
    '-b',
    String(BLOCK_SIZE),
    '-L',
    'TESTVOL',
    ...features,
    '-d',
    srcDir,
    '-F',
    image,
  ];
  execFileSync('mke2fs', [...args, options.sizeSpec ?? '64M'], { stdio: 'pipe' });
}

/** Byte offset in the image of logical block `logical` of `path` (debugfs bmap). */
export function blockOffset(image: string, path: string, logical: number): number {
  const out = execFileSync('debugfs', ['-R', `bmap /${path} ${logical}`, image], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const block = Number(out.toString().trim());
  if (!Number.isInteger(block) || block <= 0)
    throw new Error(`no block ${logical} for ${path}: ${out.toString()}`);
  return block * BLOCK_SIZE;
}

/** sha256 hex of a file on the host. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** All entries of a walk. */
export async function walkAll(reader: DeviceReader): Promise<DeviceEntry[]> {
  const entries: DeviceEntry[] = [];
  for await (const entry of reader.walk()) entries.push(entry);
  return entries;
}

/** A stream's bytes, or the error that ended it. */
export async function drain(stream: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}
