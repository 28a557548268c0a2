import { promises as fsp, type Dirent, type Stats } from 'node:fs';
import type { EntryType } from '../port.js';

/** One name found in a directory: its bytes (for opening) and how it reads as text. */
export interface ListedName {
  /** The name's bytes as the kernel gave them. */
  readonly raw: Buffer;
  /** The name decoded as UTF-8, U+FFFD where the bytes are not UTF-8. */
  readonly name: string;
  /** The bytes are not valid UTF-8. */
  readonly invalid: boolean;
  /** The type readdir reported (d_type), used when lstat fails. */
  readonly direntType: EntryType;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const SLASH = Buffer.from('/');

/** Decodes a name strictly; invalid UTF-8 comes back with U+FFFD and `invalid` set. */
export function decodeName(raw: Buffer): { name: string; invalid: boolean } {
  try {
    return { name: strictUtf8.decode(raw), invalid: false };
  } catch {
    return { name: raw.toString('utf8'), invalid: true };
  }
}

/** `dir/name` as bytes, so that names that are not UTF-8 still open. */
export function joinRaw(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, SLASH, name]);
}

/** The entry type of an lstat result or a readdir Dirent (never follows symlinks). */
export function entryTypeOf(s: Stats | Dirent): EntryType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isBlockDevice()) return 'block-device';
  if (s.isCharacterDevice()) return 'char-device';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  return 'other';
}

/** JS string order of the decoded names; equal texts (two invalid names) by their bytes. */
function byName(a: ListedName, b: ListedName): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return Buffer.compare(a.raw, b.raw);
}

/**
 * The names in directory `dir` (bytes path), sorted by name. Errors: whatever opendir or the
 * listing throws (EIO, EACCES, ENOTCONN...), as thrown by Node.
 */
export async function listDirectory(dir: Buffer): Promise<ListedName[]> {
  const handle = await fsp.opendir(dir, { encoding: 'buffer' as BufferEncoding, bufferSize: 256 });
  const names: ListedName[] = [];
  for await (const dirent of handle) {
    const raw = dirent.name as unknown as Buffer;
    names.push({ raw, ...decodeName(raw), direntType: entryTypeOf(dirent) });
  }
  return names.sort(byName);
}
