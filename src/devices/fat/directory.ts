import { deviceGone, type BlockSource } from '../block-source.js';
import { DeviceReadError } from '../port.js';
import { clusterOffset, type FatGeometry } from './boot-sector.js';
import { ChainCursor, ChainError } from './cluster-chain.js';
import { DIR_RECORD_BYTES, DirectoryParser, type RawDirEntry } from './dir-entries.js';
import type { FatTable } from './fat-table.js';
import { LruCache } from './lru-cache.js';
import { fatTimestamp, type ZoneClock } from './wall-time.js';

/** A directory entry with its modification time as a UTC Date. */
export interface FatNode extends RawDirEntry {
  readonly mtime: Date;
}

/** A parsed directory: its live entries, and the volume label when it is the root. */
export interface DirectoryListing {
  readonly nodes: readonly FatNode[];
  readonly label: string | null;
}

/** FAT directories hold at most 65,536 records (2 MiB); a longer chain is corrupt. */
const MAX_DIRECTORY_BYTES = 65536 * DIR_RECORD_BYTES;
/** Bytes of a directory read at once. */
const DIRECTORY_READ_BYTES = 256 * 1024;
const CACHED_DIRECTORIES = 32;
/** Cache key of the root directory (cluster 0 is never a data cluster). */
export const ROOT = 0;

/**
 * Reads and parses directories, keeping the last few listings. `list(firstCluster, path)`
 * takes ROOT (0) for the root directory. A bad sector or a broken chain in the directory
 * becomes a DeviceReadError with scope `file`, operation `readdir`, `path`, and the offset
 * within the directory; when the device is gone the source's device-scope error goes through.
 */
export class DirectoryReader {
  readonly #source: BlockSource;
  readonly #geometry: FatGeometry;
  readonly #table: FatTable;
  readonly #clock: ZoneClock;
  readonly #cache = new LruCache<number, DirectoryListing>(CACHED_DIRECTORIES);

  constructor(source: BlockSource, geometry: FatGeometry, table: FatTable, clock: ZoneClock) {
    this.#source = source;
    this.#geometry = geometry;
    this.#table = table;
    this.#clock = clock;
  }

  /** The listing of the directory starting at `firstCluster` (ROOT for the root). */
  async list(firstCluster: number, path: string): Promise<DirectoryListing> {
    const cached = this.#cache.get(firstCluster);
    if (cached) return cached;
    const parser = new DirectoryParser(this.#geometry.kind === 'FAT32');
    try {
      if (firstCluster === ROOT && this.#geometry.kind !== 'FAT32') await this.#readFixedRoot(parser);
      else await this.#readChain(firstCluster === ROOT ? this.#geometry.rootCluster : firstCluster, parser);
    } catch (err) {
      throw this.#failure(err, path);
    }
    const listing: DirectoryListing = {
      nodes: parser.entries.map((entry) => ({
        ...entry,
        mtime: fatTimestamp(this.#clock, entry.date, entry.time),
      })),
      label: firstCluster === ROOT ? parser.label : null,
    };
    this.#cache.set(firstCluster, listing);
    return listing;
  }

  async #readAt(parser: DirectoryParser, position: number, length: number, dirOffset: number): Promise<void> {
    const bytes = Buffer.alloc(length);
    try {
      await this.#source.read(bytes, 0, length, position);
    } catch (err) {
      throw new DirectoryReadFailure(err, dirOffset + Math.max(0, errorOffset(err) - position));
    }
    parser.feed(bytes);
  }

  async #readFixedRoot(parser: DirectoryParser): Promise<void> {
    const { rootDirOffset, rootDirSize } = this.#geometry;
    for (let done = 0; done < rootDirSize && !parser.ended; done += DIRECTORY_READ_BYTES) {
      const length = Math.min(DIRECTORY_READ_BYTES, rootDirSize - done);
      await this.#readAt(parser, rootDirOffset + done, length, done);
    }
  }

  async #readChain(firstCluster: number, parser: DirectoryParser): Promise<void> {
    const { clusterSize } = this.#geometry;
    const maxClusters = Math.max(1, Math.ceil(MAX_DIRECTORY_BYTES / clusterSize));
    const cursor = new ChainCursor(this.#table, this.#geometry, firstCluster, {
      kind: 'directory',
      maxClusters,
    });
    const perRead = Math.max(1, Math.floor(DIRECTORY_READ_BYTES / clusterSize));
    while (!parser.ended) {
      const dirOffset = cursor.clustersDone * clusterSize;
      const run = await cursor.nextRun(perRead);
      if (run === null) break;
      await this.#readAt(
        parser,
        clusterOffset(this.#geometry, run.first),
        run.count * clusterSize,
        dirOffset,
      );
    }
  }

  #failure(err: unknown, path: string): unknown {
    if (deviceGone(err)) return err;
    const clusterSize = this.#geometry.clusterSize;
    const base = { operation: 'readdir' as const, path, scope: 'file' as const };
    if (err instanceof ChainError) {
      const offset = err.clusterIndex * clusterSize;
      const reason = `${err.message}${err.cause ? `: ${(err.cause as Error).message}` : ''}`;
      return new DeviceReadError({
        ...base,
        code: err.code,
        offset,
        cause: err,
        message: `${path || '/'}: ${reason}`,
      });
    }
    if (err instanceof DirectoryReadFailure) {
      const code = (err.cause as { code?: string }).code ?? 'EIO';
      return new DeviceReadError({ ...base, code, offset: err.offset, cause: err.cause });
    }
    return err;
  }
}

/** A read failure inside a directory's bytes, `offset` bytes into the directory. */
class DirectoryReadFailure extends Error {
  readonly offset: number;

  constructor(cause: unknown, offset: number) {
    super('directory read failed', { cause });
    this.offset = offset;
  }
}

/** The device offset a source error names, or -1. */
export function errorOffset(err: unknown): number {
  const offset = (err as { offset?: unknown })?.offset;
  return typeof offset === 'number' ? offset : -1;
}
