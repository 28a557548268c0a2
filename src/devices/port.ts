import type { Readable } from 'node:stream';

/**
 * What a device's volume was found to hold. The four the seed accepts are FAT32, ext2, ext3 and
 * NTFS (DECISIONS §9); the rest are named so that UnsupportedFileFormat can say what was found.
 */
export type FileSystemKind =
  | 'FAT12'
  | 'FAT16'
  | 'FAT32'
  | 'exFAT'
  | 'ext2'
  | 'ext3'
  | 'ext4'
  | 'jbd'
  | 'NTFS'
  | 'XFS'
  | 'HFS'
  | 'HFS+'
  | 'btrfs'
  | 'ISO9660'
  | 'APFS'
  | 'F2FS'
  | 'LUKS'
  | 'BitLocker'
  | 'unknown';

/** The kinds Longshore can read; the station's config narrows them (default: all but ext4). */
export const READABLE_FILE_SYSTEMS = ['FAT32', 'ext2', 'ext3', 'ext4', 'NTFS'] as const;
export type ReadableFileSystem = (typeof READABLE_FILE_SYSTEMS)[number];

/** What an entry is. Only `file` entries are imported; the others get `103 Ignored` rows. */
export type EntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'block-device'
  | 'char-device'
  | 'fifo'
  | 'socket'
  | 'reparse-point'
  | 'other';

/** One entry of a volume's tree, as a walk yields it. */
export interface DeviceEntry {
  /** Path from the volume root: `/`-separated, no leading slash, names as stored (not normalised). */
  readonly path: string;
  readonly type: EntryType;
  /** Bytes (files); 0 for everything else. May exceed 2^32 (up to Number.MAX_SAFE_INTEGER). */
  readonly size: number;
  /** Last modification time, UTC. */
  readonly mtime: Date;
  /** The name's bytes are not valid UTF-8 / UTF-16: `path` holds U+FFFD in their place. */
  readonly invalidName?: boolean;
  /**
   * Set when this entry could not be read: a file whose metadata is unreadable, or a directory
   * whose contents could not be listed (its entries are then unknown; the walk goes on).
   */
  readonly error?: DeviceReadError;
}

/** Which operation failed on which path: mapped to a `508 ReadError` log row by the loader. */
export type DeviceOperation = 'open' | 'read' | 'readdir' | 'stat' | 'mount' | 'detect';

/**
 * An I/O error that belongs to one file or directory (`scope: 'file'`), or to the whole device
 * (`scope: 'device'`: it is gone, or its first sectors cannot be read).
 */
export class DeviceReadError extends Error {
  readonly code: string;
  readonly operation: DeviceOperation;
  readonly path: string;
  readonly scope: 'file' | 'device';
  /** Byte offset of the failure within the file or device, when known. */
  readonly offset: number | null;

  constructor(opts: {
    code: string;
    operation: DeviceOperation;
    path: string;
    scope?: 'file' | 'device';
    offset?: number | null;
    message?: string;
    cause?: unknown;
  }) {
    const where = opts.offset != null ? ` at byte ${opts.offset}` : '';
    super(opts.message ?? `${opts.operation} ${opts.path || '/'} failed: ${opts.code}${where}`, {
      cause: opts.cause,
    });
    this.name = 'DeviceReadError';
    this.code = opts.code;
    this.operation = opts.operation;
    this.path = opts.path;
    this.scope = opts.scope ?? 'file';
    this.offset = opts.offset ?? null;
  }
}

/**
 * A mounted-for-reading volume of a customer's device. Readers never write to the device: no
 * atime updates, no journal replay, read-only opens.
 */
export interface DeviceReader {
  readonly fileSystem: FileSystemKind;
  /** The volume label, when the file system has one (never an entry of the tree). */
  readonly label: string | null;
  /** Things the customer should hear about, e.g. an ext3 journal that was not replayed. */
  readonly warnings: readonly string[];
  /**
   * Every entry below the root, depth first; within a directory, entries in name order
   * (code-unit order) and a directory before its contents. A directory that cannot be listed is
   * yielded with `error` set and the walk goes on. Throws only for device-scope errors.
   */
  walk(): AsyncIterable<DeviceEntry>;
  /**
   * The file's bytes from its start, read sequentially. A read error ends the stream with a
   * DeviceReadError (scope `file`, or `device` when the whole device is gone).
   */
  openFile(entry: DeviceEntry): Readable;
  /**
   * Optional: the whole file without a stream, for files the caller knows to be small (the
   * loader's single PUTs: a stream per file costs more than reading a small file), as the pieces
   * it was read in (in order; none for an empty file). Fails as openFile's stream would
   * (DeviceReadError). A piece may be a view lent by the reader's cache: never write into it,
   * and give it back with `fileChunks.give` once done (one never given back is only collected).
   */
  readWhole?(entry: DeviceEntry): Promise<readonly Buffer[]>;
  /**
   * A file directly in the root called `name`: exactly, or ignoring case (DECISIONS §9:
   * SIGNATURE is matched exactly on ext2/ext3, case-insensitively on FAT32 and NTFS).
   */
  findRootFile(name: string, options: { caseInsensitive: boolean }): Promise<DeviceEntry | null>;
  /** Releases the device (and unmounts what the reader mounted). Safe to call twice. */
  close(): Promise<void>;
}
