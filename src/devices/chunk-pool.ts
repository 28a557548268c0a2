/**
 * File chunks of 1 MiB that are used again once their reader is done with them. Large files are
 * read in chunks of this size; a fresh Buffer per chunk is external memory that V8 answers with a
 * full garbage collection every few hundred MB (measured: a fifth of the station's CPU while
 * loading 256 MiB files). The loader gives a chunk back when the bytes have been stored; chunks it
 * does not give back (a failed part) are simply collected. Only whole chunks are taken back: a
 * piece cut from one (a view sharing its memory) is never handed out again by mistake.
 */
export class ChunkPool {
  readonly #free: Buffer[] = [];

  /** Chunks of `chunkBytes`, at most `keep` of them kept while unused. */
  constructor(
    readonly chunkBytes: number,
    private readonly keep: number,
  ) {}

  /** A chunk of `chunkBytes` (old bytes in it: fill it before use). */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /**
   * Gives back the whole chunks among `buffers` (others are left to the garbage collector). The
   * caller must hold no reference to them any more, nor anything that does (a socket write, a
   * pending read): the next reader overwrites them.
   */
  give(buffers: readonly Buffer[]): void {
    for (const buffer of buffers) {
      if (this.#free.length >= this.keep) return;
      if (this.#isWholeChunk(buffer)) this.#free.push(buffer);
    }
  }

  /** Unused chunks kept now. */
  get kept(): number {
    return this.#free.length;
  }

  #isWholeChunk(buffer: Buffer): boolean {
    return (
      buffer.byteOffset === 0 &&
      buffer.length === this.chunkBytes &&
      buffer.buffer.byteLength === this.chunkBytes &&
      !this.#free.includes(buffer)
    );
  }
}

/** The pool of the device readers' 1 MiB file chunks (32 kept: 32 MiB at most). */
export const fileChunks = new ChunkPool(1024 * 1024, 32);
