import { Readable } from 'node:stream';
import type { DeviceReadError } from '../port.js';
import { extFailure } from './errors.js';
import { CHUNK_BYTES, FileReadFailure, type FileData } from './file-data.js';

/**
 * A file's bytes from its start, in chunks of up to 1 MiB (one source read per run of contiguous
 * blocks). While the consumer takes one chunk, the next is already being read. `open` finds the
 * file's data (it may look the path up); its failure is the stream's. A read failure destroys
 * the stream with a DeviceReadError: operation 'read', scope 'file', `offset` the byte in the
 * file (EIO for a bad sector, EUCLEAN for a corrupt block map), or scope 'device' when the
 * device is gone. Nothing is read after a failure.
 */
export class ExtFileStream extends Readable {
  readonly #open: (() => Promise<FileData>) | null;
  readonly #path: string;
  #data: FileData | null = null;
  /** Bytes handed to chunk reads so far (the next chunk starts here). */
  #planned = 0;
  #ahead: Promise<Buffer> | null = null;

  /** `data` when the file is known already, else `open` finds it when the stream starts. */
  constructor(source: FileData | (() => Promise<FileData>), path: string) {
    super({ highWaterMark: CHUNK_BYTES });
    this.#open = typeof source === 'function' ? source : null;
    this.#data = typeof source === 'function' ? null : source;
    this.#path = path;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    if (!this.#open) return callback();
    this.#open().then(
      (data) => {
        this.#data = data;
        callback();
      },
      (err: unknown) => callback(this.destroyed ? null : this.#failure(err, 'open', 0)),
    );
  }

  override _read(): void {
    const data = this.#data;
    if (!data) return;
    const current = this.#ahead ?? this.#nextChunk(data);
    this.#ahead = null;
    if (!current) {
      this.push(null);
      return;
    }
    current.then(
      (chunk) => {
        if (this.destroyed) return;
        this.#ahead = this.#nextChunk(data); // overlaps the next read with the consumer's work
        this.push(chunk);
        if (!this.#ahead) this.push(null);
      },
      (err: unknown) => this.destroy(this.#failure(err, 'read', this.#planned)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#ahead = null;
    callback(error);
  }

  /** Starts reading the next chunk; null at the end of the file. */
  #nextChunk(data: FileData): Promise<Buffer> | null {
    const offset = this.#planned;
    if (offset >= data.size) return null;
    const length = Math.min(CHUNK_BYTES, data.size - offset);
    this.#planned = offset + length;
    const reading = data.read(offset, length);
    reading.catch(() => undefined); // a read ahead may fail after the stream is gone
    return reading;
  }

  #failure(err: unknown, operation: 'open' | 'read', fallbackOffset: number): DeviceReadError {
    return fileFailure(err, operation, this.#path, fallbackOffset);
  }
}

/** The DeviceReadError of a failure to open or read the file at `path` (offset: where in the file). */
export function fileFailure(
  err: unknown,
  operation: 'open' | 'read',
  path: string,
  fallbackOffset: number,
): DeviceReadError {
  const offset = err instanceof FileReadFailure ? err.offset : fallbackOffset;
  const cause = err instanceof FileReadFailure ? err.cause : err;
  return extFailure(cause, { operation, path, offset });
}
