/**
 * File chunks of 1 MiB that are used again once their reader is done with them. Large files are
 * read in chunks of this size, and read-ahead blocks are chunks too; a fresh Buffer per chunk is
 * external memory that V8 answers with a full garbage collection every few dozen MB (measured: a
 * fifth of the station's CPU while loading 256 MiB files; on 20,000 small files into a gateway, a
 * full collection every 250 ms, for the read-ahead blocks small files are views of).
 *
 * Two ways out of the pool and back:
 * - `take()` a chunk and `give()` it back whole. Only whole chunks are taken back: a piece cut
 *   from one (a view sharing its memory) is never handed out again by mistake.
 * - A chunk kept by its owner (a read-ahead block) lends views with `lend()`; each borrower gives
 *   its view back with `give()`, and the owner `retire()`s the chunk when it drops it. The chunk
 *   returns to the pool when it is retired and every view lent is back. A view never given back
 *   (a failed upload, a reader that keeps it) keeps its chunk out of the pool for good: it is
 *   simply collected once nothing refers to it. A piece cut from a view, or a view given back
 *   twice, counts for nothing.
 */
export class ChunkPool {
  readonly #free: Buffer[] = [];
  /** Chunks lending views, by their memory (weakly: a chunk nobody refers to is collected). */
  readonly #lending = new WeakMap<ArrayBufferLike, Lending>();
  /** The views lent and not yet given back (a piece cut from one, or one given twice, is not). */
  readonly #lent = new WeakMap<Buffer, Lending>();

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
   * Gives back the whole chunks taken and the views lent among `buffers` (others are left to the
   * garbage collector). The caller must hold no reference to them any more, nor anything that
   * does (a socket write, a pending read): the next reader overwrites them.
   */
  give(buffers: readonly Buffer[]): void {
    for (const buffer of buffers) {
      const lending = this.#lent.get(buffer);
      if (lending !== undefined) {
        this.#lent.delete(buffer);
        lending.views--;
        this.#settle(lending);
      } else if (this.#isWholeChunk(buffer) && !this.#lending.has(buffer.buffer)) {
        this.#keep(buffer);
      }
    }
  }

  /**
   * A view of bytes [start, end) of `chunk` (a whole chunk its owner keeps), counted until given
   * back with give(). Borrowers must not write into it.
   */
  lend(chunk: Buffer, start: number, end: number): Buffer {
    let lending = this.#lending.get(chunk.buffer);
    if (lending === undefined) {
      if (!this.#isWholeChunk(chunk)) return chunk.subarray(start, end);
      lending = { chunk, views: 0, retired: false };
      this.#lending.set(chunk.buffer, lending);
    }
    const view = chunk.subarray(start, end);
    lending.views++;
    this.#lent.set(view, lending);
    return view;
  }

  /** The owner of `chunk` drops it: back to the pool now, or when its last view lent comes back. */
  retire(chunk: Buffer): void {
    const lending = this.#lending.get(chunk.buffer);
    if (lending === undefined) {
      this.give([chunk]);
      return;
    }
    lending.retired = true;
    this.#settle(lending);
  }

  /** Unused chunks kept now. */
  get kept(): number {
    return this.#free.length;
  }

  #settle(lending: Lending): void {
    if (!lending.retired || lending.views > 0) return;
    this.#lending.delete(lending.chunk.buffer);
    this.#keep(lending.chunk);
  }

  #keep(chunk: Buffer): void {
    if (this.#free.length < this.keep) this.#free.push(chunk);
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

/**
 * Places for small reads, cut one after the other from pooled chunks: each is a view lent of the
 * current chunk (given back with `pool.give` once done); a chunk is retired when the next place
 * does not fit, and returns to the pool when its last view is back. So reading many small files
 * makes no buffer per file for V8 to collect.
 */
export class ChunkSlab {
  #chunk: Buffer | null = null;
  #used = 0;

  constructor(private readonly pool: ChunkPool) {}

  /** A view of `length` bytes (at most a chunk) to fill; old bytes in it. */
  place(length: number): Buffer {
    if (length > this.pool.chunkBytes) throw new RangeError(`${length} bytes do not fit a chunk`);
    if (this.#chunk === null || this.#used + length > this.#chunk.length) {
      this.drop();
      this.#chunk = this.pool.take();
    }
    const view = this.pool.lend(this.#chunk, this.#used, this.#used + length);
    this.#used += length;
    return view;
  }

  /** Retires the current chunk (on close). */
  drop(): void {
    if (this.#chunk !== null) this.pool.retire(this.#chunk);
    this.#chunk = null;
    this.#used = 0;
  }
}

/** A chunk lending views: how many are out, and whether its owner still keeps it. */
interface Lending {
  readonly chunk: Buffer;
  views: number;
  retired: boolean;
}

/** The pool of the device readers' 1 MiB file chunks (32 kept: 32 MiB at most). */
export const fileChunks = new ChunkPool(1024 * 1024, 32);
