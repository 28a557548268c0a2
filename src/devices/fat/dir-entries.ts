import { decodeCp437 } from './cp437.js';

/** Size of one directory record. */
export const DIR_RECORD_BYTES = 32;

const ATTR_VOLUME_ID = 0x08;
const ATTR_DIRECTORY = 0x10;
const ATTR_LONG_NAME = 0x0f;
const DELETED = 0xe5;
const LOWER_BASE = 0x08;
const LOWER_EXTENSION = 0x10;
const LFN_LAST = 0x40;
const LFN_MAX_PARTS = 20;
/** Offsets of the 13 UTF-16 code units in a long-name record. */
const LFN_CHAR_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

/** One live entry of a directory, as stored (timestamps still raw FAT fields). */
export interface RawDirEntry {
  /** The long name when a valid one precedes the entry, else the 8.3 display name. */
  readonly name: string;
  /** The 8.3 name as displayed (`README.TXT`, or `readme.txt` with the NT lower-case flags). */
  readonly shortName: string;
  /** The name had unpaired UTF-16 surrogates or a `/`: U+FFFD stands in for them. */
  readonly invalidName: boolean;
  readonly isDirectory: boolean;
  readonly firstCluster: number;
  /** Bytes (0 for directories). */
  readonly size: number;
  readonly date: number;
  readonly time: number;
}

/** The VFAT checksum of the 11 stored 8.3 name bytes that long-name records carry. */
export function shortNameChecksum(record: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + (record[i] ?? 0)) & 0xff;
  return sum;
}

/** Replaces unpaired surrogates and `/` with U+FFFD; says whether it had to. */
function sanitize(name: string): { name: string; invalid: boolean } {
  let out = '';
  let invalid = false;
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const nextUnit = name.charCodeAt(i + 1);
    if (high && nextUnit >= 0xdc00 && nextUnit <= 0xdfff) {
      out += name[i] + name.charAt(i + 1);
      i++;
    } else if ((unit >= 0xd800 && unit <= 0xdfff) || unit === 0x2f) {
      out += '\ufffd';
      invalid = true;
    } else {
      out += name[i];
    }
  }
  return { name: out, invalid };
}

/** The display form of a stored 8.3 name: 0x05 escape, CP437, NT lower-case flags. */
export function shortDisplayName(record: Uint8Array): string {
  const raw = Uint8Array.from(record.subarray(0, 11));
  if (raw[0] === 0x05) raw[0] = DELETED;
  const caseFlags = record[12] ?? 0;
  let base = decodeCp437(raw.subarray(0, 8)).replace(/ +$/, '');
  let extension = decodeCp437(raw.subarray(8, 11)).replace(/ +$/, '');
  if (caseFlags & LOWER_BASE) base = base.toLowerCase();
  if (caseFlags & LOWER_EXTENSION) extension = extension.toLowerCase();
  return extension ? `${base}.${extension}` : base;
}

const isDotEntry = (name: string) => name === '.' || name === '..';

/**
 * Parses a directory's records, fed in order (one or more clusters at a time). Long-name
 * records are kept only when their sequence is complete and their checksum matches the 8.3
 * entry that follows; otherwise that entry keeps its 8.3 name. Deleted entries, `.` and `..`,
 * and the volume label (remembered in `label`) are left out. Feeding stops mattering once
 * `ended` (a record starting with 0x00) is set. Never throws.
 */
export class DirectoryParser {
  readonly entries: RawDirEntry[] = [];
  label: string | null = null;
  ended = false;
  readonly #fat32: boolean;
  #parts: string[] = [];
  #expected = 0;
  #checksum = -1;

  constructor(fat32: boolean) {
    this.#fat32 = fat32;
  }

  /** Parses whole 32-byte records of `bytes` (a trailing partial record is ignored). */
  feed(bytes: Uint8Array): void {
    for (let at = 0; at + DIR_RECORD_BYTES <= bytes.length && !this.ended; at += DIR_RECORD_BYTES) {
      this.#record(bytes.subarray(at, at + DIR_RECORD_BYTES));
    }
  }

  #resetLongName(): void {
    this.#parts = [];
    this.#expected = 0;
    this.#checksum = -1;
  }

  #record(record: Uint8Array): void {
    const first = record[0] ?? 0;
    const attributes = record[11] ?? 0;
    if (first === 0x00) {
      this.ended = true;
    } else if (first === DELETED) {
      this.#resetLongName();
    } else if ((attributes & 0x3f) === ATTR_LONG_NAME) {
      this.#longNamePart(record);
    } else if (attributes & ATTR_VOLUME_ID) {
      this.label ??= decodeCp437(record.subarray(0, 11)).replace(/[ \0]+$/, '') || null;
      this.#resetLongName();
    } else {
      this.#shortEntry(record, attributes);
      this.#resetLongName();
    }
  }

  #longNamePart(record: Uint8Array): void {
    const sequence = record[0] ?? 0;
    const ordinal = sequence & 0x1f;
    if (sequence & LFN_LAST) {
      this.#resetLongName();
      if (ordinal < 1 || ordinal > LFN_MAX_PARTS) return;
      this.#expected = ordinal;
      this.#checksum = record[13] ?? -1;
    }
    if (ordinal === 0 || ordinal !== this.#expected || record[13] !== this.#checksum) {
      this.#resetLongName(); // an orphan or out-of-order part
      return;
    }
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    let part = '';
    for (const offset of LFN_CHAR_OFFSETS) part += String.fromCharCode(view.getUint16(offset, true));
    this.#parts[ordinal - 1] = part;
    this.#expected = ordinal - 1;
  }

  /** The long name for the 8.3 record that follows complete, matching long-name parts. */
  #longNameFor(record: Uint8Array): string | null {
    if (this.#parts.length === 0 || this.#expected !== 0) return null;
    if (shortNameChecksum(record) !== this.#checksum) return null;
    const joined = this.#parts.join('');
    const end = joined.indexOf('\0');
    const name = end >= 0 ? joined.slice(0, end) : joined;
    return name === '' || isDotEntry(name) ? null : name;
  }

  #shortEntry(record: Uint8Array, attributes: number): void {
    const shortName = shortDisplayName(record);
    const long = this.#longNameFor(record);
    if (long === null && isDotEntry(shortName)) return;
    const { name, invalid } = sanitize(long ?? (shortName || '\ufffd'));
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    const high = this.#fat32 ? view.getUint16(20, true) : 0;
    const isDirectory = (attributes & ATTR_DIRECTORY) !== 0;
    this.entries.push({
      name,
      shortName,
      invalidName: invalid || shortName === '',
      isDirectory,
      firstCluster: high * 0x10000 + view.getUint16(26, true),
      size: isDirectory ? 0 : view.getUint32(28, true),
      time: view.getUint16(22, true),
      date: view.getUint16(24, true),
    });
  }
}
