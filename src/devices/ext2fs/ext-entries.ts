import type { DeviceEntry, DeviceReadError, EntryType } from '../port.js';
import type { Ext2fsStats } from './ext2fs-library.js';

const S_IFMT = 0o170000;

/** File-type bits of an ext inode's mode, by the entry type they mean. */
const TYPE_BY_FORMAT = new Map<number, EntryType>([
  [0o100000, 'file'],
  [0o040000, 'directory'],
  [0o120000, 'symlink'],
  [0o060000, 'block-device'],
  [0o020000, 'char-device'],
  [0o010000, 'fifo'],
  [0o140000, 'socket'],
]);

/** The entry type an inode's mode says; 'other' for a mode no file system should hold. */
export function entryTypeOf(mode: number): EntryType {
  return TYPE_BY_FORMAT.get(mode & S_IFMT) ?? 'other';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** A name as stored, decoded: U+FFFD replaces invalid UTF-8 bytes and `invalid` says so. */
export interface DecodedName {
  readonly raw: Buffer;
  readonly text: string;
  readonly invalid: boolean;
}

/** Decodes a directory entry's name bytes (never throws). */
export function decodeName(raw: Buffer): DecodedName {
  try {
    return { raw, text: strictUtf8.decode(raw), invalid: false };
  } catch {
    return { raw, text: lenientUtf8.decode(raw), invalid: true };
  }
}

/** Names in walk order: by decoded text, JS string (UTF-16 code unit) order. */
export function sortNames(names: DecodedName[]): DecodedName[] {
  return names.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : Buffer.compare(a.raw, b.raw)));
}

/** The raw absolute path of `name` inside the directory whose raw path is `parent`. */
export function childRawPath(parent: Buffer, name: Buffer): Buffer {
  const slash = parent.length === 1 ? parent : Buffer.concat([parent, Buffer.from('/')]);
  return Buffer.concat([slash, name]);
}

/** The display path of `name` below `parent` ('' is the root). */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

/** An entry built from lstat. Sizes are 0 for all but files. */
export function entryFromStats(path: string, name: DecodedName, stats: Ext2fsStats): DeviceEntry {
  const type = entryTypeOf(stats.mode);
  return {
    path,
    type,
    size: type === 'file' ? stats.size : 0,
    mtime: new Date(stats.mtime.getTime()),
    ...(name.invalid ? { invalidName: true } : {}),
  };
}

/**
 * The entry for a name whose inode could not be read. Its real type is unknown; it is reported
 * as a file, since an entry with `error` stands for data that could not be read.
 */
export function unreadableEntry(path: string, name: DecodedName, error: DeviceReadError): DeviceEntry {
  return {
    path,
    type: 'file',
    size: 0,
    mtime: new Date(0),
    ...(name.invalid ? { invalidName: true } : {}),
    error,
  };
}
