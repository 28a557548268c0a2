import { Readable } from 'node:stream';
import type { BlockSource } from '../block-source.js';
import { DeviceReadError, type DeviceEntry, type DeviceReader } from '../port.js';
import type { FatGeometry, FatKind } from './boot-sector.js';
import type { DirectoryListing, DirectoryReader, FatNode } from './directory.js';
import type { FatTable } from './fat-table.js';
import { FatFileStream } from './file-stream.js';
import type { ReadAhead } from './read-ahead.js';

/** One directory being walked: its path and sorted entries. */
interface WalkFrame {
  readonly path: string;
  readonly nodes: readonly FatNode[];
  index: number;
}

const byName = (a: FatNode, b: FatNode) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** The parts of an open FAT volume the reader works with. */
export interface FatVolumeParts {
  readonly source: BlockSource;
  readonly geometry: FatGeometry;
  readonly table: FatTable;
  readonly directories: DirectoryReader;
  readonly readAhead: ReadAhead;
  /** The root directory, read at open and kept. */
  readonly root: DirectoryListing;
  readonly label: string | null;
}

/**
 * A DeviceReader over a FAT12/16/32 volume (see openFatVolume). Walks depth-first in name
 * order; directories that cannot be listed (bad sector, broken chain: operation `readdir`, or a
 * cycle: code `ELOOP`) are yielded with `error`; files whose first cluster is impossible are
 * yielded with `error` (code `EBADCHAIN`, operation `stat`). It never writes to the source, and
 * close() closes the source (once).
 */
export class FatVolume implements DeviceReader {
  readonly fileSystem: FatKind;
  readonly label: string | null;
  readonly warnings: readonly string[] = [];
  readonly #parts: FatVolumeParts;
  readonly #nodes = new WeakMap<DeviceEntry, FatNode>();
  #closed = false;

  constructor(parts: FatVolumeParts) {
    this.#parts = parts;
    this.fileSystem = parts.geometry.kind;
    this.label = parts.label;
  }

  /** See DeviceReader.walk. The root was read at open: only a vanished device makes it throw. */
  async *walk(): AsyncIterable<DeviceEntry> {
    const root = this.#parts.root;
    const seen = new Set<number>([this.#parts.geometry.rootCluster]);
    const stack: WalkFrame[] = [{ path: '', nodes: [...root.nodes].sort(byName), index: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as WalkFrame;
      const node = frame.nodes[frame.index++];
      if (node === undefined) {
        stack.pop();
        continue;
      }
      const path = join(frame.path, node.name);
      if (!node.isDirectory) {
        yield this.#entry(node, path, this.#fileProblem(node, path));
        continue;
      }
      const listed = await this.#listChild(node, path, seen);
      if (listed instanceof DeviceReadError) {
        yield this.#entry(node, path, listed);
        continue;
      }
      yield this.#entry(node, path);
      stack.push({ path, nodes: [...listed].sort(byName), index: 0 });
    }
  }

  async #listChild(
    node: FatNode,
    path: string,
    seen: Set<number>,
  ): Promise<readonly FatNode[] | DeviceReadError> {
    const cluster = node.firstCluster;
    if (cluster < 2 || cluster > this.#parts.geometry.maxCluster || seen.has(cluster)) {
      const code = seen.has(cluster) || cluster === 0 ? 'ELOOP' : 'EBADCHAIN';
      const why =
        code === 'ELOOP'
          ? `its first cluster ${cluster} was already listed (a directory cycle)`
          : `first cluster ${cluster} is outside the volume`;
      return new DeviceReadError({ code, operation: 'readdir', path, message: `${path}: ${why}` });
    }
    seen.add(cluster);
    try {
      return (await this.#parts.directories.list(cluster, path)).nodes;
    } catch (err) {
      if (err instanceof DeviceReadError && err.scope === 'file') return err;
      throw err;
    }
  }

  #fileProblem(node: FatNode, path: string): DeviceReadError | undefined {
    if (node.size === 0) return undefined;
    const cluster = node.firstCluster;
    if (cluster >= 2 && cluster <= this.#parts.geometry.maxCluster) return undefined;
    const message = `${path}: ${node.size} bytes but first cluster ${cluster} is outside the volume`;
    return new DeviceReadError({ code: 'EBADCHAIN', operation: 'stat', path, offset: 0, message });
  }

  #entry(node: FatNode, path: string, error?: DeviceReadError): DeviceEntry {
    const entry: DeviceEntry = {
      path,
      type: node.isDirectory ? 'directory' : 'file',
      size: node.isDirectory ? 0 : node.size,
      mtime: node.mtime,
      ...(node.invalidName ? { invalidName: true } : {}),
      ...(error ? { error } : {}),
    };
    this.#nodes.set(entry, node);
    return entry;
  }

  /** See DeviceReader.openFile. Entries not from this reader are looked up by path. */
  openFile(entry: DeviceEntry): Readable {
    const problem = entry.error ?? (entry.type === 'file' ? null : notAFile(entry.path));
    if (problem) return Readable.from([]).destroy(problem) as Readable;
    const known = this.#nodes.get(entry);
    const locate = known ? () => Promise.resolve(known) : () => this.#lookup(entry.path);
    return new FatFileStream(this.#parts, entry.path, locate);
  }

  async #lookup(path: string): Promise<FatNode> {
    let nodes = this.#parts.root.nodes;
    const names = path.split('/');
    for (const [i, name] of names.entries()) {
      const node = nodes.find((n) => n.name === name);
      const last = i === names.length - 1;
      if (node && last && !node.isDirectory) return node;
      if (!node || last || node.firstCluster < 2) break;
      nodes = (await this.#parts.directories.list(node.firstCluster, names.slice(0, i + 1).join('/'))).nodes;
    }
    throw new DeviceReadError({ code: 'ENOENT', operation: 'open', path, message: `${path}: no such file` });
  }

  /**
   * See DeviceReader.findRootFile: files only. Ignoring case compares `name` with the long name
   * and with the 8.3 display name, both lower-cased; an exact match wins. Never throws (the root
   * was read at open).
   */
  async findRootFile(name: string, options: { caseInsensitive: boolean }): Promise<DeviceEntry | null> {
    const files = this.#parts.root.nodes.filter((n) => !n.isDirectory);
    const wanted = name.toLowerCase();
    const found =
      files.find((n) => n.name === name) ??
      (options.caseInsensitive
        ? files.find((n) => n.name.toLowerCase() === wanted || n.shortName.toLowerCase() === wanted)
        : undefined);
    return found ? this.#entry(found, found.name, this.#fileProblem(found, found.name)) : null;
  }

  /** Closes the source; later calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts.readAhead.clear();
    await this.#parts.source.close();
  }
}

function notAFile(path: string): DeviceReadError {
  return new DeviceReadError({ code: 'EISDIR', operation: 'open', path, message: `${path}: not a file` });
}
