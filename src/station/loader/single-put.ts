import { fileChunks } from '../../devices/index.js';
import { bareEtag, md5Of } from '../../storage/index.js';
import { bodyLength } from '../../storage/port.js';
import { ChunkReader, firstBytes } from './chunk-reader.js';
import {
  matches,
  mismatch,
  outcomeOf,
  sizeMismatch,
  storeCall,
  verifyStored,
  type ObjectSource,
  type StoreOutcome,
  type UploadContext,
} from './upload-context.js';

// A file of at most singlePutMax bytes: read whole into memory (its bytes held in the budget),
// sent as one PUT with Content-MD5 (the store refuses a body that does not match it), then checked
// by the ETag of the answer (= the MD5 the store computed); only a store that answers without an
// ETag costs a HEAD (size, ETag). A store that hashes bodies off this thread (hashesBodies: the
// embedded store's file worker) gets a file read in one piece without Content-MD5, and its ETag,
// the MD5 of the very bytes it stored, is the file's MD5: one pass over the bytes, not two. With
// `check` (a resumed load, for a file that may have reached the bucket before the crash), the HEAD
// comes first: an object with the same size, MD5 and headers is logged without being sent again.

/**
 * Uploads `src` in one PUT; calls `readDone` as soon as its bytes are read. Resolves with the
 * outcome; rejects only for errors that stop the load (see outcomeOf).
 */
export async function putSingle(
  ctx: UploadContext,
  src: ObjectSource,
  check: boolean,
  readDone: () => void,
): Promise<StoreOutcome> {
  await ctx.budget.acquire(src.size);
  let held = src.size;
  try {
    const piece = await readWhole(ctx, src, check || ctx.store.hashesBodies !== true).finally(readDone);
    const headers = src.headersFor(firstBytes(piece.body));
    const contentType = headers.contentType ?? '';
    const known = piece.md5 === null ? null : piece.md5.toString('hex');
    try {
      if (check && known !== null && (await alreadyThere(ctx, src, known, headers)))
        return { kind: 'stored', md5Hex: known, bytes: src.size, contentType, uploaded: false };
      await ctx.journal?.started(src.path, src.key, null);
      const body = piece.body;
      const contentMd5 = piece.md5?.toString('base64');
      const answer = await storeCall(ctx, 'PutObject', src.key, () =>
        ctx.store.putObject({ ...headers, bucket: ctx.bucket, key: src.key, body, contentMd5 }),
      );
      fileChunks.give(Buffer.isBuffer(body) ? [body] : body); // stored: the store has read every byte
      ctx.budget.release(held);
      held = 0;
      const md5Hex = known ?? storedMd5(src, answer.etag);
      if (answer.etag === null) await verifyStored(ctx, src.key, src.size, md5Hex);
      else if (bareEtag(answer.etag) !== md5Hex)
        throw mismatch(src.key, `the store answered the ETag ${answer.etag}, expected ${md5Hex}`);
      return { kind: 'stored', md5Hex, bytes: src.size, contentType, uploaded: true };
    } catch (error) {
      return outcomeOf(error, { md5Hex: known ?? md5Of(piece.body).toString('hex'), contentType });
    }
  } catch (error) {
    return outcomeOf(error);
  } finally {
    ctx.budget.release(held);
  }
}

/** The MD5 a store that hashes bodies answered as the ETag of a single PUT (an InternalError row if none). */
function storedMd5(src: ObjectSource, etag: string | null): string {
  const md5Hex = etag === null ? '' : bareEtag(etag);
  if (!/^[0-9a-f]{32}$/.test(md5Hex))
    throw mismatch(src.key, `the store answered the ETag ${etag ?? '(none)'}, not the MD5 of the bytes`);
  return md5Hex;
}

/**
 * A whole file read for one PUT: its bytes (in one buffer or the chunks they were read in) and
 * MD5 (null when the store is left to compute it).
 */
interface WholeFile {
  readonly body: Buffer | readonly Buffer[];
  readonly md5: Buffer | null;
}

/**
 * The file's bytes, exactly `src.size` of them (else a ReadError): in one read when the device
 * reader can and the file fits a chunk, else as the stream's chunks (pooled 1 MiB chunks for a
 * larger file, which go back to the pool once stored; one buffer of the file's size would be
 * garbage for V8 to collect). With their MD5, unless `hash` is false and the file came in one
 * read (a stream is hashed as it is read anyway).
 */
async function readWhole(ctx: UploadContext, src: ObjectSource, hash: boolean): Promise<WholeFile> {
  if (src.readAll && src.size <= fileChunks.chunkBytes) {
    const pieces = await src.readAll();
    const length = bodyLength(pieces);
    ctx.progress.read(length);
    if (length !== src.size) throw sizeMismatch(src, String(length));
    return { body: pieces.length === 1 ? pieces[0]! : pieces, md5: hash ? md5Of(pieces) : null };
  }
  const reader = new ChunkReader(src.open(), (count) => ctx.progress.read(count));
  try {
    const body = await reader.nextChunks(src.size);
    const length = bodyLength(body);
    if (length < src.size) throw sizeMismatch(src, String(length));
    if (!(await reader.atEnd())) throw sizeMismatch(src, `more than ${src.size}`);
    return { body, md5: Buffer.from(reader.wholeMd5Hex(), 'hex') };
  } finally {
    await reader.close();
  }
}

async function alreadyThere(
  ctx: UploadContext,
  src: ObjectSource,
  md5Hex: string,
  headers: Parameters<typeof matches>[3],
): Promise<boolean> {
  const stored = await storeCall(ctx, 'HeadObject', src.key, () => ctx.store.headObject(ctx.bucket, src.key));
  return matches(stored, src.size, md5Hex, headers);
}
