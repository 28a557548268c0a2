import { Readable } from 'node:stream';
import { DeviceReadError, type DeviceEntry, type DeviceReader, type FileSystemKind } from '../port.js';
import type { ExtContext } from './context.js';
import { closedError, listDirectory, statName, type ListedName } from './entries.js';
import { FileData } from './file-data.js';
import { ExtFileStream, fileFailure } from './file-stream.js';
import type { ExtInode } from './inode.js';
import { listRoot, walkVolume } from './walk.js';

function openError(path: string, code: string, why: string): DeviceReadError {
  return new DeviceReadError({ code, operation: 'open', path, message: `cannot read ${path}: ${why}` });
}

/**
 * A DeviceReader over an ext2/3/4 volume read by this module's own parser (see openExtVolume).
 * It never writes, and close() leaves the source open: its owner closes it.
 */
export class ExtVolume implements DeviceReader {
  readonly fileSystem: FileSystemKind;
  readonly label: string | null;
  readonly warnings: readonly string[];
  readonly #ctx: ExtContext;
  readonly #inodes = new WeakMap<DeviceEntry, ExtInode>();
  readonly #streams = new Set<Readable>();

  constructor(ctx: ExtContext, fileSystem: FileSystemKind, warnings: readonly string[]) {
    this.#ctx = ctx;
    this.fileSystem = fileSystem;
    this.label = ctx.sb.label;
    this.warnings = warnings;
  }

  /** See DeviceReader.walk and walkVolume. */
  walk(): AsyncIterable<DeviceEntry> {
    return walkVolume(this.#ctx, (entry, inode) => this.#inodes.set(entry, inode));
  }

  /**
   * See DeviceReader.openFile. Entries that are not files fail with EINVAL (operation 'open'), an
   * entry with `error` fails with that error, and any entry after close() with EBADF. Entries
   * not yielded by this reader are looked up by path (ENOENT when absent).
   */
  openFile(entry: DeviceEntry): Readable {
    const stream = new ExtFileStream(this.#dataOf(entry) ?? (() => this.#open(entry)), entry.path);
    this.#streams.add(stream);
    stream.once('close', () => this.#streams.delete(stream));
    return stream;
  }

  /**
   * See DeviceReader.readWhole: the file's data found as openFile finds it, then read in one go
   * (holes as zeros; a small file as views of the read-ahead, FileData.readWhole); the same errors
   * as openFile's stream.
   */
  async readWhole(entry: DeviceEntry): Promise<Buffer[]> {
    let data: FileData;
    try {
      data = this.#dataOf(entry) ?? (await this.#open(entry));
    } catch (err) {
      throw fileFailure(err, 'open', entry.path, 0);
    }
    if (data.size === 0) return [];
    try {
      return await data.readWhole();
    } catch (err) {
      throw fileFailure(err, 'read', entry.path, 0);
    }
  }

  /**
   * See DeviceReader.findRootFile: an exact name wins; ignoring case compares upper-cased names.
   * Only files count. Throws DeviceReadError scope 'device' when the root cannot be listed.
   */
  async findRootFile(name: string, options: { caseInsensitive: boolean }): Promise<DeviceEntry | null> {
    if (this.#ctx.closed) throw closedError();
    const names = await listRoot(this.#ctx);
    const exact = names.filter((n) => n.text === name);
    const wanted = name.toUpperCase();
    const candidates =
      exact.length > 0 || !options.caseInsensitive
        ? exact
        : names.filter((n) => n.text.toUpperCase() === wanted);
    for (const candidate of candidates) {
      const { entry, inode } = await statName(this.#ctx, candidate.text, candidate, candidate.invalid);
      if (inode) this.#inodes.set(entry, inode);
      if (entry.type === 'file') return entry;
    }
    return null;
  }

  /** Cancels open streams (ECANCELED, scope device) and drops the caches. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#ctx.closed) return;
    this.#ctx.closed = true;
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
    this.#ctx.listings.clear();
    this.#ctx.io.clear();
  }

  /** The data of a known, readable file entry, without waiting; null when #open must decide. */
  #dataOf(entry: DeviceEntry): FileData | null {
    const known = this.#inodes.get(entry);
    if (!known || this.#ctx.closed || entry.error || entry.type !== 'file') return null;
    try {
      return new FileData(this.#ctx, known);
    } catch {
      return null; // #open throws the same error, as the stream's
    }
  }

  async #open(entry: DeviceEntry): Promise<FileData> {
    if (this.#ctx.closed) throw closedError('open', entry.path);
    if (entry.error) throw entry.error;
    if (entry.type !== 'file') throw openError(entry.path, 'EINVAL', `it is a ${entry.type}, not a file`);
    return new FileData(this.#ctx, this.#inodes.get(entry) ?? (await this.#lookup(entry.path)));
  }

  async #lookup(path: string): Promise<ExtInode> {
    let directory = this.#ctx.root;
    const parts = path.split('/');
    for (const [i, part] of parts.entries()) {
      const names: readonly ListedName[] = await listDirectory(this.#ctx, directory);
      const found = names.find((n) => n.text === part);
      if (!found) break;
      const inode = await this.#ctx.inodes.read(found.inode);
      if (i === parts.length - 1) return inode;
      if (inode.type !== 'directory') break;
      directory = inode;
    }
    throw openError(path, 'ENOENT', 'no such file');
  }
}
