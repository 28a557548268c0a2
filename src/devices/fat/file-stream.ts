import { Readable } from 'node:stream';
import { deviceGone } from '../block-source.js';
import { DeviceReadError } from '../port.js';
import { clusterOffset, type FatGeometry } from './boot-sector.js';
import { ChainCursor, ChainError } from './cluster-chain.js';
import { errorOffset, type FatNode } from './directory.js';
import type { FatTable } from './fat-table.js';
import type { ReadAhead } from './read-ahead.js';

/** Bytes read from the device at once: consecutive clusters are coalesced up to this. */
export const FILE_READ_BYTES = 1024 * 1024;

/** What a file stream needs from its volume. */
export interface FileStreamContext {
  readonly readAhead: ReadAhead;
  readonly geometry: FatGeometry;
  readonly table: FatTable;
}

/**
 * A file's bytes, read run by run along its cluster chain (one source read per run of
 * consecutive clusters, up to 1 MiB; small runs through the volume's read-ahead). `locate`
 * finds the file's node (it may look the path up). Failures destroy the stream with a
 * DeviceReadError of scope `file`, operation `read`, `path` and the byte offset within the
 * file: the source's errno for a bad sector, `EBADCHAIN` for a broken cluster chain. When the device is gone, the source's device-scope error goes through
 * unchanged; an error from `locate` goes through unchanged too.
 */
export class FatFileStream extends Readable {
  readonly #context: FileStreamContext;
  readonly #path: string;
  readonly #locate: () => Promise<FatNode>;
  #cursor: ChainCursor | null = null;
  #remaining = 0;
  #offset = 0;

  constructor(context: FileStreamContext, path: string, locate: () => Promise<FatNode>) {
    super({ highWaterMark: FILE_READ_BYTES });
    this.#context = context;
    this.#path = path;
    this.#locate = locate;
  }

  override _read(): void {
    this.#readNext().then(
      (chunk) => {
        if (chunk) this.push(chunk);
        if (this.#remaining === 0) this.push(null);
      },
      (err: unknown) => this.destroy(this.#failure(err) as Error),
    );
  }

  async #start(): Promise<ChainCursor> {
    const node = await this.#locate();
    const clusters = Math.ceil(node.size / this.#context.geometry.clusterSize);
    this.#remaining = node.size;
    return new ChainCursor(this.#context.table, this.#context.geometry, node.firstCluster, {
      kind: 'file',
      clusters,
    });
  }

  /** The next run of the file, or null when nothing is left. */
  async #readNext(): Promise<Buffer | null> {
    this.#cursor ??= await this.#start();
    if (this.#remaining === 0) return null;
    const { clusterSize } = this.#context.geometry;
    const run = await this.#cursor.nextRun(Math.max(1, Math.floor(FILE_READ_BYTES / clusterSize)));
    if (run === null) throw new ChainError(this.#cursor.clustersDone, 'the chain ended before the data');
    const length = Math.min(run.count * clusterSize, this.#remaining);
    const position = clusterOffset(this.#context.geometry, run.first);
    let chunk: Buffer;
    try {
      chunk = await this.#context.readAhead.read(position, length);
    } catch (err) {
      throw new RunReadFailure(err, this.#offset + Math.max(0, errorOffset(err) - position));
    }
    if (chunk.length < length) throw new RunReadFailure({ code: 'EIO' }, this.#offset + chunk.length);
    this.#offset += length;
    this.#remaining -= length;
    return chunk;
  }

  #failure(err: unknown): unknown {
    if (deviceGone(err)) return err;
    const base = { operation: 'read' as const, path: this.#path, scope: 'file' as const };
    if (err instanceof ChainError) {
      const offset = err.clusterIndex * this.#context.geometry.clusterSize;
      const reason = `${err.message}${err.cause ? `: ${(err.cause as Error).message}` : ''}`;
      const message = `${this.#path}: broken cluster chain at byte ${offset}: ${reason}`;
      return new DeviceReadError({ ...base, code: err.code, offset, cause: err, message });
    }
    if (err instanceof RunReadFailure) {
      if (deviceGone(err.cause)) return err.cause;
      const code = (err.cause as { code?: string }).code ?? 'EIO';
      return new DeviceReadError({ ...base, code, offset: err.offset, cause: err.cause });
    }
    return err;
  }
}

/** A source read that failed `offset` bytes into the file. */
class RunReadFailure extends Error {
  readonly offset: number;

  constructor(cause: unknown, offset: number) {
    super('file read failed', { cause });
    this.offset = offset;
  }
}
