import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileChunks } from '../../devices/index.js';
import { bareEtag, storageError } from '../../storage/index.js';
import type { ObjectHeaders, ObjectStore } from '../../storage/port.js';
import { ChunkReader } from './chunk-reader.js';
import { putMultipart } from './multipart.js';
import {
  matches,
  mismatch,
  NEVER,
  outcomeOf,
  sizeMismatch,
  storeCall,
  type ObjectSource,
  type StoreOutcome,
  type UploadContext,
} from './upload-context.js';

// A file larger than singlePutMax and at most streamPutMax, to a store that takes streamed PUTs:
// one PUT whose body goes as it is read, hashed by nobody before it goes (no Content-MD5, an
// unsigned payload). The MD5 taken on the way (the log's) is then compared with the ETag the store
// answers, its MD5 of the bytes it stored: one hash of every byte on each side, where multipart
// costs two (the log's MD5 and the parts' signed SHA-256, which the gateway computes too). Bytes
// damaged on the way make the ETag differ: the file is sent again (BadDigest, retried), and after
// the last try the damaged object is deleted, so no wrong bytes stay under the key. A body that
// fails (an unreadable sector) or a connection that breaks stops the request before its last byte:
// the store keeps nothing. A store whose ETags are not MD5s (S3 with SSE-KMS) cannot be checked
// so: the file goes again as a multipart upload, and so do the load's later large files. A store
// that hashes bodies itself, in this process (the embedded store: ObjectStore.hashesBodies), is
// not hashed for: the MD5 it answers is the file's, one pass instead of two.

/** Bytes one streamed PUT holds at once: the chunk on its way, the one read ahead, the socket's. */
const STREAM_HELD_BYTES = 4 * fileChunks.chunkBytes;

const MD5_HEX = /^[0-9a-f]{32}$/;

/** Stores whose ETags turned out not to be MD5s: their large files go as multipart uploads. */
const unverifiable = new WeakSet<ObjectStore>();

/** True when a file of `size` bytes (above singlePutMax) goes as a streamed PUT. */
export function streams(ctx: UploadContext, size: number): boolean {
  return (
    size <= ctx.settings.streamPutMax &&
    ctx.store.putObjectStream !== undefined &&
    !unverifiable.has(ctx.store)
  );
}

/** A store ETag that is not an MD5: the bytes stored cannot be checked against the file's. */
class UnverifiableEtag extends Error {
  constructor(readonly etag: string) {
    super(`the store answered the ETag ${etag}, which is not an MD5`);
    this.name = 'UnverifiableEtag';
  }
}

/** What the tries found out about the file (for its row, whatever the outcome). */
interface Known {
  md5Hex?: string;
  contentType?: string;
}

/**
 * Uploads `src` as one streamed PUT; calls `readDone` when its last byte is read. With `check` (a
 * resumed load), an object already there with the file's size, MD5 and headers is kept. Resolves
 * with the outcome; rejects only for errors that stop the load (see outcomeOf).
 */
export async function putStreamed(
  ctx: UploadContext,
  src: ObjectSource,
  check: boolean,
  readDone: () => void,
): Promise<StoreOutcome> {
  const held = Math.min(src.size, STREAM_HELD_BYTES);
  await ctx.budget.acquire(held);
  const known: Known = {};
  try {
    if (check) {
      const kept = await keptFromBefore(ctx, src);
      if (kept !== null) return kept;
    }
    await ctx.journal?.started(src.path, src.key, null);
    let tries = 0;
    await storeCall(ctx, 'PutObject', src.key, () => sendOnce(ctx, src, known, tries++ === 0, readDone));
    return {
      kind: 'stored',
      md5Hex: known.md5Hex!,
      bytes: src.size,
      contentType: known.contentType ?? '',
      uploaded: true,
    };
  } catch (error) {
    if (error instanceof UnverifiableEtag) return sendInParts(ctx, src, error, readDone);
    if (isBadDigest(error)) await removeStored(ctx, src.key, 'damaged on the way');
    return outcomeOf(error, known);
  } finally {
    ctx.budget.release(held);
  }
}

/**
 * One try: opens the file, sends it, checks the answered ETag against the MD5 of what was read.
 * Fills `known`. Throws the body's own failure (a DeviceReadError: not retried), the store's
 * error, BadDigest when the ETag differs, UnverifiableEtag when it is not an MD5.
 */
async function sendOnce(
  ctx: UploadContext,
  src: ObjectSource,
  known: Known,
  first: boolean,
  readDone: () => void,
): Promise<void> {
  const selfHashing = ctx.store.hashesBodies === true; // its ETag is the MD5 of what it stored here
  const onRead = first ? (count: number) => ctx.progress.read(count) : () => {};
  const body = new StreamedBody(src, onRead, readDone, !selfHashing);
  try {
    const headers = src.headersFor(await body.first());
    known.contentType = headers.contentType ?? '';
    const input = { ...headers, bucket: ctx.bucket, key: src.key, size: src.size, body: body.chunks() };
    const sent = (chunk: Buffer) => fileChunks.give([chunk]); // on the socket: the pool may use it again
    const answer = await ctx.store.putObjectStream!({ ...input, sent }).catch((error: unknown) => {
      throw body.failure ?? error;
    });
    if (body.bytes !== src.size) throw mismatch(src.key, 'the store answered before the whole body was sent');
    const etag = answer.etag === null ? await storedEtag(ctx, src.key) : bareEtag(answer.etag);
    known.md5Hex = selfHashing ? etag : body.md5Hex();
    if (!MD5_HEX.test(etag)) throw new UnverifiableEtag(etag);
    if (etag !== known.md5Hex) {
      const reason = `${src.key}: the store holds bytes with the MD5 ${etag}, the file's is ${known.md5Hex}`;
      throw storageError('BadDigest', 400, { reason });
    }
  } finally {
    body.close();
  }
}

/** The file's chunks as the device reader gives them, counted and (unless told not to) hashed on the way. */
class StreamedBody {
  failure: unknown = null;
  bytes = 0;
  readonly #stream: Readable;
  readonly #chunks: AsyncIterator<Buffer>;
  readonly #md5 = createHash('md5');
  #head: Buffer | null = null;

  constructor(
    private readonly src: ObjectSource,
    private readonly onRead: (count: number) => void,
    private readonly readDone: () => void,
    private readonly hashing: boolean,
  ) {
    this.#stream = src.open();
    this.#chunks = this.#stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The first chunk (read before the request: the headers depend on it). */
  async first(): Promise<Buffer> {
    this.#head = await this.#next();
    if (this.#head === null) throw sizeMismatch(this.src, '0');
    return this.#head;
  }

  /** Every chunk from the first, exactly the file's size of them, else a ReadError. */
  async *chunks(): AsyncGenerator<Buffer> {
    const size = this.src.size;
    try {
      for (let chunk = this.#head; chunk !== null; chunk = await this.#next()) {
        this.bytes += chunk.length;
        if (this.bytes > size) throw sizeMismatch(this.src, `more than ${size}`);
        if (this.hashing) this.#md5.update(chunk);
        yield chunk;
      }
      if (this.bytes < size) throw sizeMismatch(this.src, String(this.bytes));
      this.readDone();
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }

  md5Hex(): string {
    return this.#md5.digest('hex');
  }

  close(): void {
    this.#stream.destroy();
  }

  async #next(): Promise<Buffer | null> {
    try {
      const next = await this.#chunks.next();
      if (next.done) return null;
      this.onRead(next.value.length);
      return next.value;
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }
}

/** The ETag of the object, for a store that answered a PUT without one. */
async function storedEtag(ctx: UploadContext, key: string): Promise<string> {
  const stored = await storeCall(ctx, 'HeadObject', key, () => ctx.store.headObject(ctx.bucket, key), NEVER);
  if (stored === null) throw mismatch(key, 'the object is missing after its upload');
  return bareEtag(stored.etag);
}

function isBadDigest(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'BadDigest';
}

/** Deletes what a try stored that is not the file (a failure to is only reported). */
async function removeStored(ctx: UploadContext, key: string, why: string): Promise<void> {
  try {
    await storeCall(ctx, 'DeleteObject', key, () => ctx.store.deleteObject(ctx.bucket, key), NEVER);
  } catch (error) {
    ctx.progress.send({
      type: 'warning',
      message: `could not delete the object ${key} (${why}): ${String(error)}`,
    });
  }
}

/** The store's ETags are not MD5s: this file again as a multipart upload, and every later one. */
async function sendInParts(
  ctx: UploadContext,
  src: ObjectSource,
  cause: UnverifiableEtag,
  readDone: () => void,
): Promise<StoreOutcome> {
  if (!unverifiable.has(ctx.store)) {
    unverifiable.add(ctx.store);
    const message = `${cause.message} (encrypted with SSE-KMS?): large files go as multipart uploads`;
    ctx.progress.send({ type: 'warning', message });
  }
  const outcome = await putMultipart(ctx, src, false, readDone);
  // Not replaced by a checked object: the streamed bytes, which nothing could check, go too.
  if (outcome.kind !== 'stored') await removeStored(ctx, src.key, 'its bytes could not be checked');
  return outcome;
}

/**
 * A resumed load's check of a file that may have been stored before the crash: HEAD, and when an
 * object of the same size with an MD5 ETag is there, read the file to compare. The stored outcome
 * when the MD5 and headers match, else null.
 */
async function keptFromBefore(ctx: UploadContext, src: ObjectSource): Promise<StoreOutcome | null> {
  const stored = await storeCall(ctx, 'HeadObject', src.key, () => ctx.store.headObject(ctx.bucket, src.key));
  if (stored === null || stored.size !== src.size || !MD5_HEX.test(bareEtag(stored.etag))) return null;
  const reader = new ChunkReader(src.open(), (count) => ctx.progress.read(count));
  let headers: ObjectHeaders = {};
  try {
    for (let at = 0; at < src.size;) {
      const chunks = await reader.nextChunks(Math.min(fileChunks.chunkBytes, src.size - at));
      if (chunks.length === 0) throw sizeMismatch(src, String(at));
      if (at === 0) headers = src.headersFor(Buffer.concat(chunks));
      for (const chunk of chunks) at += chunk.length;
      fileChunks.give(chunks);
    }
    if (!(await reader.atEnd())) throw sizeMismatch(src, `more than ${src.size}`);
  } finally {
    await reader.close();
  }
  const md5Hex = reader.wholeMd5Hex();
  if (!matches(stored, src.size, md5Hex, headers)) return null;
  return { kind: 'stored', md5Hex, bytes: src.size, contentType: headers.contentType ?? '', uploaded: false };
}
