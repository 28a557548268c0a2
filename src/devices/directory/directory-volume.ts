import { promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { ChunkSlab, fileChunks } from '../chunk-pool.js';
import { DeviceReadError, type DeviceEntry, type DeviceReader, type FileSystemKind } from '../port.js';
import { errnoCode } from './errors.js';
import { PositionalFileStream, readWholeFile } from './file-stream.js';
import { describeName, listRoot, walkTree, type WalkedEntry } from './walk.js';

/** How a directory volume is presented. */
export interface DirectoryVolumeOptions {
  /** What the mounted volume is (DeviceReader.fileSystem). */
  readonly fileSystem: FileSystemKind;
  /** The volume label, when the caller knows it. */
  readonly label?: string | null;
  /** Runs once, on the first close(), after every open stream is destroyed (e.g. unmount). */
  readonly onClose?: () => Promise<void>;
}

/** A DeviceReader over a directory tree: a mounted volume, or any directory in tests. */
class DirectoryVolume implements DeviceReader {
  readonly fileSystem: FileSystemKind;
  readonly label: string | null;
  readonly warnings: readonly string[] = [];
  readonly #root: Buffer;
  readonly #onClose: (() => Promise<void>) | undefined;
  /** The bytes path of every entry handed out, so that names that are not UTF-8 still open. */
  readonly #rawPaths = new WeakMap<DeviceEntry, Buffer>();
  readonly #streams = new Set<Readable>();
  /** Where small files read whole are put. */
  readonly #slab = new ChunkSlab(fileChunks);
  #closing: Promise<void> | null = null;

  constructor(root: string, options: DirectoryVolumeOptions) {
    this.#root = Buffer.from(root.length > 1 ? root.replace(/\/+$/, '') : root);
    this.fileSystem = options.fileSystem;
    this.label = options.label ?? null;
    this.#onClose = options.onClose;
  }

  async *walk(): AsyncIterable<DeviceEntry> {
    for await (const walked of walkTree(this.#root)) {
      if (this.#closing) throw this.#closedError(walked.entry.path);
      yield this.#remember(walked);
    }
  }

  /**
   * See DeviceReader.readWhole: a file of at most a chunk in one open and one read, into a place
   * cut from a pooled chunk (ChunkSlab); the same errors as openFile's stream.
   */
  async readWhole(entry: DeviceEntry): Promise<Buffer[]> {
    if (this.#closing) throw this.#closedError(entry.path);
    if (entry.error) throw entry.error;
    if (entry.size <= fileChunks.chunkBytes) {
      return readWholeFile(this.#rawOf(entry), entry.path, entry.size, this.#slab);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of this.openFile(entry)) chunks.push(chunk as Buffer);
    return chunks;
  }

  openFile(entry: DeviceEntry): Readable {
    const stream = new PositionalFileStream(this.#rawOf(entry), entry.path, entry.size);
    if (this.#closing) return stream.destroy(this.#closedError(entry.path));
    this.#streams.add(stream);
    stream.once('close', () => this.#streams.delete(stream));
    return stream;
  }

  async findRootFile(name: string, options: { caseInsensitive: boolean }): Promise<DeviceEntry | null> {
    const root = { raw: this.#root, path: '', invalid: false };
    const names = await listRoot(this.#root);
    const wanted = name.toUpperCase();
    const candidates = [
      ...names.filter((n) => n.name === name),
      ...(options.caseInsensitive
        ? names.filter((n) => n.name !== name && n.name.toUpperCase() === wanted)
        : []),
    ];
    for (const candidate of candidates) {
      const walked = await describeName(root, candidate);
      if (walked.entry.type === 'file' && !walked.entry.error) return this.#remember(walked);
    }
    return null;
  }

  close(): Promise<void> {
    this.#closing ??= this.#release();
    return this.#closing;
  }

  async #release(): Promise<void> {
    const closed = [...this.#streams].map(
      (stream) => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', resolve))),
    );
    for (const stream of this.#streams) stream.destroy();
    this.#slab.drop();
    await Promise.all(closed);
    await this.#onClose?.();
  }

  /** After close() the mount may be gone and its empty mount point would read as an empty volume. */
  #closedError(path: string): DeviceReadError {
    return new DeviceReadError({
      code: 'ECLOSED',
      operation: 'read',
      path,
      scope: 'device',
      message: `read ${path}: the volume reader is closed`,
    });
  }

  #rawOf(entry: DeviceEntry): Buffer {
    return this.#rawPaths.get(entry) ?? Buffer.from(`${this.#root.toString()}/${entry.path}`);
  }

  #remember({ entry, raw }: WalkedEntry): DeviceEntry {
    this.#rawPaths.set(entry, raw);
    return entry;
  }
}

/**
 * A DeviceReader over the tree below `root` (a mounted volume). It walks with opendir/lstat and
 * never follows symlinks; files are read with O_RDONLY|O_NOATIME positional reads. Throws
 * DeviceReadError (scope device, operation `open`) when `root` is not a readable directory;
 * see walkTree and PositionalFileStream for the errors of the walk and of each file.
 */
export async function openDirectoryVolume(
  root: string,
  options: DirectoryVolumeOptions,
): Promise<DeviceReader> {
  try {
    const stats = await fsp.stat(root);
    if (!stats.isDirectory())
      throw Object.assign(new Error(`${root} is not a directory`), { code: 'ENOTDIR' });
  } catch (err) {
    throw new DeviceReadError({
      code: errnoCode(err),
      operation: 'open',
      path: root,
      scope: 'device',
      cause: err,
      message: `cannot open the volume at ${root}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return new DirectoryVolume(root, options);
}
