import { fileChunks } from '../chunk-pool.js';
import { ExtCorruption, VolumeReadFailure } from './errors.js';
import { blockMapperOf, checkSizeFits, hasInlineData, type BlockMapper, type BlockRun } from './file-map.js';
import type { ExtInode } from './inode.js';
import { VolumeIo, type MetadataCache } from './volume-io.js';

/** Bytes a file stream reads at once: runs of contiguous blocks are coalesced up to this. */
export const CHUNK_BYTES = fileChunks.chunkBytes;

/** A read of a file that failed `offset` bytes into it; `cause` says why. */
export class FileReadFailure extends Error {
  readonly offset: number;

  constructor(cause: unknown, offset: number) {
    super(cause instanceof Error ? cause.message : 'file read failed', { cause });
    this.name = 'FileReadFailure';
    this.offset = offset;
  }
}

/** What reading file data needs of the volume. */
export interface DataContext {
  readonly io: VolumeIo;
  /** Where indirect blocks and extent tree nodes are cached. */
  readonly mapCache: MetadataCache;
}

/** One stretch of a chunk: bytes at a volume position, or zeros. */
interface Piece {
  readonly inFile: number;
  length: number;
  readonly position: number | null;
}

/**
 * The bytes of one inode (a file or a directory): inline data, or blocks found through its map.
 * Construction throws ExtCorruption when the size cannot be right or the map root is invalid.
 */
export class FileData {
  readonly size: number;
  readonly #io: VolumeIo;
  readonly #inline: Buffer | null;
  readonly #mapper: BlockMapper | null;

  constructor(ctx: DataContext, inode: ExtInode) {
    this.size = inode.size;
    this.#io = ctx.io;
    checkSizeFits(inode, ctx.io.blockSize);
    if (hasInlineData(inode)) {
      this.#inline = Buffer.concat([inode.iBlock, inode.inlineTail ?? Buffer.alloc(0)]);
      if (this.size > this.#inline.length) {
        throw new ExtCorruption(
          `inode ${inode.number}: ${this.size} bytes, but ${this.#inline.length} inline`,
        );
      }
      this.#mapper = null;
    } else {
      this.#inline = null;
      this.#mapper = blockMapperOf(inode, ctx.io, ctx.mapCache);
    }
  }

  /**
   * The run of blocks at `logical` (see BlockMapper.runAt), for readers that skip holes, such as
   * directories. Throws ExtCorruption for inline data, which has no blocks.
   */
  async runAt(logical: number, maxBlocks: number): Promise<BlockRun> {
    if (!this.#mapper) throw new ExtCorruption('inline data has no blocks');
    return this.#mapper.runAt(logical, maxBlocks);
  }

  /** The bytes when they are inside the inode (inline data), else null. */
  get inline(): Buffer | null {
    return this.#inline;
  }

  /**
   * Bytes [offset, offset + length) of the file (`offset` a multiple of the block size, the range
   * inside the file). Throws FileReadFailure with the offset in the file where it failed.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    if (this.#inline) return Buffer.from(this.#inline.subarray(offset, offset + length));
    const pieces = await this.#plan(offset, length);
    const only = pieces.length === 1 ? pieces[0] : undefined;
    if (only?.position != null && length <= VolumeIo.SMALL_READ_BYTES) {
      try {
        return await this.#io.readSmall(only.position, length);
      } catch (err) {
        throw new FileReadFailure(err, offset + (err instanceof VolumeReadFailure ? err.badByte : 0));
      }
    }
    const out = length === fileChunks.chunkBytes ? fileChunks.take() : Buffer.allocUnsafe(length);
    const small = length <= VolumeIo.SMALL_READ_BYTES;
    for (const piece of pieces) {
      const at = piece.inFile - offset;
      if (piece.position === null) {
        out.fill(0, at, at + piece.length);
        continue;
      }
      try {
        await this.#readPiece(out, at, piece.length, piece.position, small);
      } catch (err) {
        const bad = err instanceof VolumeReadFailure ? err.badByte : 0;
        throw new FileReadFailure(err, piece.inFile + bad);
      }
    }
    return out;
  }

  /**
   * Fills out[at, at + length) from the volume at `position`: copied from the read-ahead when it
   * holds the bytes, or, for a small file (`small`: its pieces lie around one indirect block), read
   * through it, so that such a file costs no source read of its own; else read straight. A large
   * file does not load read-ahead blocks for its small pieces: the megabyte around one would be
   * read twice.
   */
  async #readPiece(out: Buffer, at: number, length: number, position: number, small: boolean): Promise<void> {
    const held =
      this.#io.peekSmall(position, length) ?? (small ? await this.#io.readSmall(position, length) : null);
    if (held === null) {
      await this.#io.readInto(out, at, length, position);
      return;
    }
    held.copy(out, at);
    fileChunks.give([held]); // copied: the read-ahead may use its block again
  }

  /**
   * The whole file as the pieces it lies in. A small file (up to VolumeIo.SMALL_READ_BYTES, whose
   * blocks may lie around an indirect block) comes as views lent by the read-ahead (holes as
   * zeros): neither a buffer of its size nor a copy is made, and its borrower gives the views
   * back (ChunkPool.give) once done. A larger file comes in one buffer, as read() gives it.
   * Throws FileReadFailure.
   */
  async readWhole(): Promise<Buffer[]> {
    if (this.#inline || this.size > VolumeIo.SMALL_READ_BYTES) return [await this.read(0, this.size)];
    const pieces = await this.#plan(0, this.size);
    const out: Buffer[] = [];
    for (const piece of pieces) {
      if (piece.position === null) {
        out.push(Buffer.alloc(piece.length));
        continue;
      }
      try {
        out.push(await this.#io.readSmall(piece.position, piece.length));
      } catch (err) {
        fileChunks.give(out);
        throw new FileReadFailure(err, piece.inFile + (err instanceof VolumeReadFailure ? err.badByte : 0));
      }
    }
    return out;
  }

  /** The pieces of [offset, offset + length), physically contiguous runs merged. */
  async #plan(offset: number, length: number): Promise<Piece[]> {
    const blockSize = this.#io.blockSize;
    const mapper = this.#mapper as BlockMapper;
    const pieces: Piece[] = [];
    let done = 0;
    let logical = offset / blockSize;
    while (done < length) {
      let run;
      try {
        run = await mapper.runAt(logical, Math.ceil((length - done) / blockSize));
      } catch (err) {
        throw new FileReadFailure(err, offset + done);
      }
      const bytes = Math.min(run.count * blockSize, length - done);
      const position = run.physical === null ? null : run.physical * blockSize;
      const last = pieces[pieces.length - 1];
      const joins =
        last &&
        (position === null
          ? last.position === null
          : last.position !== null && last.position + last.length === position);
      if (last && joins) last.length += bytes;
      else pieces.push({ inFile: offset + done, length: bytes, position });
      done += bytes;
      logical += run.count;
    }
    return pieces;
  }
}
