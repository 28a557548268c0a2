import { CatalogError } from '../../catalog/index.js';
import { fileChunks } from '../../devices/index.js';
import { bareEtag, multipartEtag } from '../../storage/index.js';
import { bodyLength, type ObjectHeaders } from '../../storage/port.js';
import { ChunkReader, firstBytes } from './chunk-reader.js';
import { LoadStopped } from './retry.js';
import { partCount, partSizeFor } from './settings.js';
import {
  matches,
  NEVER,
  outcomeOf,
  sizeMismatch,
  storeCall,
  verifyStored,
  type ObjectSource,
  type StoreOutcome,
  type UploadContext,
} from './upload-context.js';

// A file larger than singlePutMax: read part by part (each part's bytes held in the budget until
// the store has them), the parts sent while the next ones are read, then completed and checked
// with a HEAD (size, and ETag = the multipart ETag of the part ETags the store answered). Parts go
// without Content-MD5: each is protected by its request's signed SHA-256 payload hash, which the
// server checks and which costs less than a second MD5 pass (the whole-file MD5 for the log is
// computed once, while reading; SHA-256 runs at 2.4 times MD5's speed here). Any failure aborts
// the upload, so no half-written object stays behind; so does the load stopping before the
// completion. With `check`, an object already there with the same multipart ETag is kept.

interface SentPart {
  readonly partNumber: number;
  readonly etag: string;
}

/**
 * Uploads `src` in parts; calls `readDone` when its last part is read. With `check`, an object
 * already stored with the multipart ETag of `journaledPartSize` parts (default: this run's part
 * size) is kept. Resolves with the outcome; rejects only for errors that stop the load (see
 * outcomeOf).
 */
export async function putMultipart(
  ctx: UploadContext,
  src: ObjectSource,
  check: boolean,
  readDone: () => void,
  journaledPartSize: number | null = null,
): Promise<StoreOutcome> {
  const partSize = partSizeFor(src.size, ctx.settings.partSize);
  if (check) {
    const checkSize = journaledPartSize ?? partSize; // the part size the earlier run used
    const kept = await keptFromBefore(ctx, src, checkSize).catch((error: unknown) => outcomeOf(error));
    if (kept !== null) return kept;
  }
  return new MultipartSender(ctx, src, partSize).run(readDone);
}

class MultipartSender {
  private uploadId: string | null = null;
  private headers: ObjectHeaders = {};
  private readonly parts: Promise<SentPart | null>[] = [];
  private failure: unknown = null;

  constructor(
    private readonly ctx: UploadContext,
    private readonly src: ObjectSource,
    private readonly partSize: number,
  ) {}

  async run(readDone: () => void): Promise<StoreOutcome> {
    const { ctx, src } = this;
    let md5Hex: string | undefined;
    try {
      md5Hex = await this.readAndSend().finally(readDone);
      const sent = await Promise.all(this.parts);
      if (this.failure !== null) throw this.failure;
      if (ctx.stop.aborted) throw new LoadStopped();
      const etag = bareEtag(multipartEtag(sent.map((part) => bareEtag(part!.etag))));
      await this.complete(sent as SentPart[], etag);
      await verifyStored(ctx, src.key, src.size, etag);
      return {
        kind: 'stored',
        md5Hex,
        bytes: src.size,
        contentType: this.headers.contentType ?? '',
        uploaded: true,
      };
    } catch (error) {
      await this.abort();
      return outcomeOf(error, { md5Hex, contentType: this.headers.contentType ?? '' });
    }
  }

  /** Reads every part and hands each to the store as it comes; returns the whole file's MD5. */
  private async readAndSend(): Promise<string> {
    const { ctx, src } = this;
    const reader =
      src.openParts?.(this.partSize) ?? new ChunkReader(src.open(), (count) => ctx.progress.read(count));
    try {
      const count = partCount(src.size, this.partSize);
      for (let partNumber = 1; partNumber <= count; partNumber++) {
        if (this.failure !== null) throw this.failure;
        if (ctx.stop.aborted) throw new LoadStopped();
        const length = Math.min(this.partSize, src.size - (partNumber - 1) * this.partSize);
        await ctx.budget.acquire(length);
        let body: Buffer[];
        try {
          body = await reader.nextChunks(length);
          if (bodyLength(body) < length) throw sizeMismatch(src, `fewer than ${src.size}`);
          if (partNumber === 1) await this.begin(firstBytes(body));
        } catch (error) {
          ctx.budget.release(length);
          throw error;
        }
        this.parts.push(this.sendPart(partNumber, body, length));
      }
      if (!(await reader.atEnd())) throw sizeMismatch(src, `more than ${src.size}`);
      return reader.wholeMd5Hex();
    } finally {
      await reader.close();
    }
  }

  /** Journal first, then the upload starts (its ID journaled too): a crash leaves it findable. */
  private async begin(first: Buffer): Promise<void> {
    const { ctx, src } = this;
    this.headers = src.headersFor(first);
    await ctx.journal?.started(src.path, src.key, this.partSize);
    const input = { ...this.headers, bucket: ctx.bucket, key: src.key };
    const { uploadId } = await storeCall(ctx, 'CreateMultipartUpload', src.key, () =>
      ctx.store.createMultipartUpload(input),
    );
    this.uploadId = uploadId;
    await ctx.journal?.uploadStarted(src.path, uploadId);
  }

  private async sendPart(partNumber: number, body: Buffer[], held: number): Promise<SentPart | null> {
    const { ctx, src } = this;
    try {
      const input = { bucket: ctx.bucket, key: src.key, uploadId: this.uploadId!, partNumber, body };
      const { etag } = await storeCall(ctx, 'UploadPart', src.key, () => ctx.store.uploadPart(input));
      fileChunks.give(body); // stored: the store answered, so it has read every byte
      return { partNumber, etag };
    } catch (error) {
      this.failure ??= error;
      return null;
    } finally {
      ctx.budget.release(held);
    }
  }

  /** Completes; a completion that a lost answer made us repeat (NoSuchUpload) is checked by HEAD. */
  private async complete(sent: SentPart[], etag: string): Promise<void> {
    const { ctx, src } = this;
    const parts = sent.map(({ partNumber, etag: partEtag }) => ({ partNumber, etag: partEtag }));
    const input = { bucket: ctx.bucket, key: src.key, uploadId: this.uploadId!, parts };
    try {
      await storeCall(
        ctx,
        'CompleteMultipartUpload',
        src.key,
        () => ctx.store.completeMultipartUpload(input),
        NEVER,
      );
    } catch (error) {
      if (!(error instanceof CatalogError) || error.code !== 'NoSuchUpload') throw error;
      const stored = await ctx.store.headObject(ctx.bucket, src.key);
      if (stored === null || bareEtag(stored.etag) !== etag) throw error;
    }
    this.uploadId = null;
  }

  /** Waits for the parts in flight, then aborts the upload (failures only reported). */
  private async abort(): Promise<void> {
    await Promise.allSettled(this.parts);
    const uploadId = this.uploadId;
    if (uploadId === null) return;
    const { ctx, src } = this;
    try {
      await storeCall(
        ctx,
        'AbortMultipartUpload',
        src.key,
        () => ctx.store.abortMultipartUpload({ bucket: ctx.bucket, key: src.key, uploadId }),
        NEVER,
      );
    } catch (error) {
      ctx.progress.send({
        type: 'warning',
        message: `could not abort the upload of ${src.key}: ${String(error)}`,
      });
    }
  }
}

/**
 * A resumed load's check of a file that may have been stored before the crash: HEAD, and when an
 * object of the same size with a multipart ETag is there, read the file computing that ETag. The
 * stored outcome when it matches (with the headers), else null. Each part's bytes are held in the
 * budget while they are hashed.
 */
async function keptFromBefore(
  ctx: UploadContext,
  src: ObjectSource,
  partSize: number,
): Promise<StoreOutcome | null> {
  const stored = await storeCall(ctx, 'HeadObject', src.key, () => ctx.store.headObject(ctx.bucket, src.key));
  const count = partCount(src.size, partSize);
  if (stored === null || stored.size !== src.size || !bareEtag(stored.etag).endsWith(`-${count}`))
    return null;
  const reader = new ChunkReader(src.open(), (n) => ctx.progress.read(n));
  const md5s: string[] = [];
  let headers: ObjectHeaders = {};
  try {
    for (let partNumber = 1; partNumber <= count; partNumber++) {
      const length = Math.min(partSize, src.size - (partNumber - 1) * partSize);
      await ctx.budget.acquire(length);
      try {
        const piece = await reader.next(length);
        if (piece.body.length < length) throw sizeMismatch(src, `fewer than ${src.size}`);
        if (partNumber === 1) headers = src.headersFor(piece.body);
        md5s.push(piece.md5.toString('hex'));
      } finally {
        ctx.budget.release(length);
      }
    }
    if (!(await reader.atEnd())) throw sizeMismatch(src, `more than ${src.size}`);
  } finally {
    await reader.close();
  }
  if (!matches(stored, src.size, bareEtag(multipartEtag(md5s)), headers)) return null;
  return {
    kind: 'stored',
    md5Hex: reader.wholeMd5Hex(),
    bytes: src.size,
    contentType: headers.contentType ?? '',
    uploaded: false,
  };
}
