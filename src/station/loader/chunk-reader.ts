import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';

// Reads a file's stream in pieces of an exact size (a single PUT's body, a multipart part),
// hashing every byte into the whole-file MD5 on the way and counting what came off the device.

/** A piece of a file: its bytes and their MD5. */
export interface Piece {
  readonly body: Buffer;
  readonly md5: Buffer;
}

/** Sequential exact-size reads over one Readable. Errors of the stream are thrown by `next`. */
export class ChunkReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | null = null;
  private ended = false;
  private readonly whole: Hash = createHash('md5');
  private total = 0;

  /** `onBytes` is told of every chunk read from the stream (progress). */
  constructor(
    stream: Readable,
    private readonly onBytes: (count: number) => void = () => {},
  ) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /**
   * The next `length` bytes (fewer at the end of the stream; an empty body after it), with their
   * MD5. Rejects with the stream's error (a DeviceReadError from a device reader).
   */
  async next(length: number): Promise<Piece> {
    const first = this.total === 0;
    const body = await this.nextBody(length);
    // The first piece's MD5 is the whole MD5 so far: a file read in one piece is hashed once.
    const md5 = first ? this.whole.copy().digest() : createHash('md5').update(body).digest();
    return { body, md5 };
  }

  /** The next `length` bytes as `next` gives them, without an MD5 of their own (the whole-file MD5 is kept). */
  async nextBody(length: number): Promise<Buffer> {
    const head = await this.take(length);
    if (head === null || head.length === length) {
      // The whole piece in one chunk (a small file, often): no copy.
      const piece = head ?? Buffer.alloc(0);
      this.whole.update(piece);
      this.total += piece.length;
      return piece;
    }
    const body = Buffer.allocUnsafe(length);
    head.copy(body, 0);
    let filled = head.length;
    while (filled < length) {
      const chunk = await this.take(length - filled);
      if (chunk === null) break;
      chunk.copy(body, filled);
      filled += chunk.length;
    }
    const piece = body.subarray(0, filled);
    this.whole.update(piece);
    this.total += filled;
    return piece;
  }

  /**
   * The next `length` bytes as the chunks the stream gave them (the last one cut to fit; fewer
   * bytes at the end of the stream), without copying them or hashing them on their own (the
   * whole-file MD5 is kept). For multipart parts: no part-sized buffer, no copy.
   */
  async nextChunks(length: number): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    let filled = 0;
    while (filled < length) {
      const chunk = await this.take(length - filled);
      if (chunk === null) break;
      this.whole.update(chunk);
      chunks.push(chunk);
      filled += chunk.length;
    }
    this.total += filled;
    return chunks;
  }

  /** True when the stream has no byte left (reads ahead at most one chunk to know). */
  async atEnd(): Promise<boolean> {
    if (this.leftover !== null) return false;
    const chunk = await this.take(Number.MAX_SAFE_INTEGER);
    if (chunk === null) return true;
    this.leftover = chunk;
    return false;
  }

  /** Bytes returned by `next` so far. */
  get bytes(): number {
    return this.total;
  }

  /** The MD5 of every byte returned by `next` (call once, at the end). */
  wholeMd5Hex(): string {
    return this.whole.digest('hex');
  }

  /** Stops reading and releases the stream (safe at any point, and twice). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.chunks.return?.().catch(() => undefined);
  }

  /** At most `max` bytes from the leftover or the stream; null at the end. */
  private async take(max: number): Promise<Buffer | null> {
    let chunk = this.leftover;
    this.leftover = null;
    if (chunk === null) {
      if (this.ended) return null;
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        return null;
      }
      chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      this.onBytes(chunk.length);
    }
    if (chunk.length <= max) return chunk;
    this.leftover = chunk.subarray(max);
    return chunk.subarray(0, max);
  }
}

/** The first bytes of a body given whole or in chunks, enough to recognise a format (gzip's magic). */
export function firstBytes(body: Buffer | readonly Buffer[]): Buffer {
  if (Buffer.isBuffer(body)) return body;
  const first = body[0] ?? Buffer.alloc(0);
  return first.length >= 64 ? first : Buffer.concat(body.slice(0, 64)).subarray(0, 64);
}
