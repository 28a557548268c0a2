import type { Readable } from 'node:stream';
import { DeviceReadError, type DeviceEntry, type DeviceReader, type FileSystemKind } from '../port.js';
import type { ReadOnlyCachedDisk } from './cached-disk.js';
import { childRawPath, entryFromStats, unreadableEntry, type DecodedName } from './ext-entries.js';
import { extFailure, mountFailure } from './ext-errors.js';
import { ExtFileStream } from './ext-file-stream.js';
import { listRoot, ROOT_PATH, walkVolume, type WalkContext } from './ext-walk.js';
import type { VolumeGeometry } from './ext-directory.js';
import { readSuperblockFacts, type SuperblockFacts } from './ext-superblock.js';
import { mountExt2fs, type Ext2fsMount } from './ext2fs-binding.js';
import { journalNotReplayedWarning } from '../ext/journal-warning.js';

/** The ext flavours this reader opens (the caller detected which from the superblock). */
export type ExtKind = 'ext2' | 'ext3' | 'ext4';

/** What the caller found in the superblock. */
export interface ExtVolumeOptions {
  readonly kind: ExtKind;
  /** The incompat flag needs_recovery: the journal holds writes that were never replayed. */
  readonly needsRecovery: boolean;
}

/** The customer-facing warning for a journal that was not replayed: one sentence for both ext readers. */
export { journalNotReplayedWarning };

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

class ExtVolumeReader implements DeviceReader, WalkContext {
  readonly fileSystem: FileSystemKind;
  readonly label: string | null;
  readonly warnings: readonly string[];
  readonly mount: Ext2fsMount;
  readonly disk: ReadOnlyCachedDisk;
  readonly geometry: VolumeGeometry;
  readonly #rawPaths = new WeakMap<DeviceEntry, Buffer>();
  readonly #streams = new Set<Readable>();
  #closing: Promise<void> | null = null;

  constructor(
    mount: Ext2fsMount,
    disk: ReadOnlyCachedDisk,
    facts: SuperblockFacts,
    options: ExtVolumeOptions,
  ) {
    this.mount = mount;
    this.disk = disk;
    this.label = facts.label;
    this.geometry = { blockSize: facts.blockSize, inlineData: facts.inlineData };
    this.fileSystem = options.kind;
    this.warnings = options.needsRecovery ? [journalNotReplayedWarning(options.kind)] : [];
  }

  remember(entry: DeviceEntry, rawPath: Buffer): void {
    this.#rawPaths.set(entry, rawPath);
  }

  async *walk(): AsyncIterable<DeviceEntry> {
    this.#assertOpen();
    yield* walkVolume(this);
  }

  openFile(entry: DeviceEntry): Readable {
    const rawPath = this.#rawPaths.get(entry) ?? Buffer.from(`/${entry.path}`);
    const stream = new ExtFileStream(this, rawPath, entry.path, entry.size);
    if (this.#closing || entry.type !== 'file') {
      const why = this.#closing ? 'the volume is closed' : `it is a ${entry.type}, not a file`;
      const code = this.#closing ? 'EBADF' : 'EINVAL';
      stream.destroy(
        new DeviceReadError({
          code,
          operation: 'open',
          path: entry.path,
          message: `cannot read ${entry.path}: ${why}`,
        }),
      );
      return stream;
    }
    this.#streams.add(stream);
    stream.once('close', () => this.#streams.delete(stream));
    return stream;
  }

  async findRootFile(name: string, options: { caseInsensitive: boolean }): Promise<DeviceEntry | null> {
    this.#assertOpen();
    const names = await listRoot(this);
    const exact = names.filter((n) => n.text === name);
    const candidates =
      exact.length > 0 || !options.caseInsensitive
        ? exact
        : names.filter((n) => sameIgnoringCase(n.text, name));
    for (const candidate of candidates) {
      const entry = await this.#rootEntry(candidate);
      if (entry.type === 'file') return entry;
    }
    return null;
  }

  close(): Promise<void> {
    this.#closing ??= this.#release();
    return this.#closing;
  }

  async #rootEntry(name: DecodedName): Promise<DeviceEntry> {
    const rawPath = childRawPath(ROOT_PATH, name.raw);
    let entry: DeviceEntry;
    try {
      entry = entryFromStats(name.text, name, await this.mount.lstat(rawPath));
    } catch (err) {
      entry = unreadableEntry(name.text, name, extFailure(this.disk, 'stat', name.text, err));
    }
    this.remember(entry, rawPath);
    return entry;
  }

  async #release(): Promise<void> {
    for (const stream of this.#streams) {
      stream.destroy(
        new DeviceReadError({
          code: 'ECANCELED',
          operation: 'read',
          path: '',
          scope: 'device',
          message: 'the ext volume was closed while a file was being read',
        }),
      );
    }
    try {
      await this.mount.umount();
    } finally {
      this.disk.clear();
    }
  }

  #assertOpen(): void {
    if (this.#closing) {
      throw new DeviceReadError({
        code: 'EBADF',
        operation: 'read',
        path: '',
        scope: 'device',
        message: 'the ext volume is closed',
      });
    }
  }
}

/**
 * Mounts the volume that `disk` holds and returns its reader (openExtVolume, with the disk
 * wrapper chosen by the caller so tests can count its refused writes). `sourceName` names the
 * device in errors. Throws DeviceReadError scope 'device', operation 'mount' (see openExtVolume).
 * The superblock is read first, so a volume whose bitmaps would not fit the library's heap is
 * refused (ENOMEM) before libext2fs could run out of it.
 */
export async function openExtVolumeOnDisk(
  disk: ReadOnlyCachedDisk,
  sourceName: string,
  options: ExtVolumeOptions,
): Promise<DeviceReader> {
  let facts: SuperblockFacts;
  let mount: Ext2fsMount;
  try {
    facts = await readSuperblockFacts(disk);
    mount = await mountExt2fs(disk, facts.mountHeapBytes);
  } catch (err) {
    throw mountFailure(disk, sourceName, err);
  }
  return new ExtVolumeReader(mount, disk, facts, options);
}
