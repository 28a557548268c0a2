import type { Readable } from 'node:stream';
import { storageError } from '../../../../src/storage/index.js';
import { bodyLength, wholeBody } from '../../../../src/storage/port.js';
import type {
  CompleteMultipartInput,
  ListedObject,
  ObjectHeaders,
  ObjectStore,
  PutObjectInput,
  StoredObject,
  StreamPutInput,
  UploadPartInput,
} from '../../../../src/storage/port.js';

// FAULT INJECTION (tests only): an ObjectStore wrapper that records every request, measures the
// body bytes in flight, and fails chosen requests the way a real S3 server or network does:
// 503 SlowDown, 500 InternalError, a connection reset, a body damaged on the way (the inner store
// then answers BadDigest for its Content-MD5; a part sent with a signed payload hash instead gets
// the BadDigest an S3 server answers), AccessDenied; or answer a PUT without an ETag (as some gateways do) or
// with an ETag that is not the body's MD5 (a store that kept other bytes) or no MD5 at all (SSE-KMS). It can also "crash": from a chosen request on, nothing
// answers any more (the station was killed), optionally after the inner store did the work.

/** The request names, as S3 spells them. */
export type Operation =
  | 'PutObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListMultipartUploads'
  | 'HeadObject';

/** One request as the wrapper saw it. */
export interface Call {
  readonly op: Operation;
  readonly key: string;
  readonly partNumber?: number;
  readonly bytes: number;
  /**
   * A part sent without Content-MD5: on S3 its body is covered by the signed SHA-256 payload hash,
   * so a body damaged on the way is refused by the server (XAmzContentSHA256Mismatch, BadDigest).
   */
  readonly signedPayload?: boolean;
  /** A PutObject sent without Content-MD5 (to a store that hashes bodies itself). */
  readonly unclaimed?: boolean;
  /** A PutObject whose body was streamed (putObjectStream). */
  readonly streamed?: boolean;
}

export type Fault = 'slowdown' | 'internal' | 'reset' | 'corrupt' | 'deny' | AnswerFault;

/** Faults that change the answer of a request that succeeded (opaque: not an MD5, as with SSE-KMS). */
type AnswerFault = 'no-etag' | 'wrong-etag' | 'opaque-etag';

/** A fault applied to the requests `match` picks, `times` times (Infinity: always). */
export interface FaultRule {
  readonly match: (call: Call) => boolean;
  readonly fault: Fault;
  times: number;
}

/** The wrapper (see the file comment). */
export class FaultyStore implements ObjectStore {
  readonly name = 'faulty store';
  readonly calls: Call[] = [];
  readonly faults: FaultRule[] = [];
  inFlightBytes = 0;
  peakInFlightBytes = 0;
  inFlightRequests = 0;
  peakInFlightRequests = 0;
  /** What the wrapper tells the loader about uploads at once (ObjectStore.uploadConcurrency). */
  uploadConcurrency?: number;
  /** What the wrapper tells the loader about hashing bodies (ObjectStore.hashesBodies). */
  hashesBodies?: boolean;
  /** Milliseconds every request waits before going on (makes requests overlap). */
  delayMs = 0;
  /** Told of every request as it arrives. */
  onCall: (call: Call) => void = () => {};
  private crashRule: { match: (call: Call) => boolean; afterInner: boolean } | null = null;
  crashed = false;

  /** Streamed PUTs, passed on to the inner store: only once `takeStreams()` was called. */
  putObjectStream?: (input: StreamPutInput) => Promise<{ etag: string | null }>;

  constructor(private readonly inner: ObjectStore) {}

  /**
   * Offers streamed PUTs (the inner store's). A 'corrupt' fault flips a byte in the middle of the
   * body on its way to the inner store, which then stores and answers the MD5 of other bytes.
   */
  takeStreams(): this {
    const inner = this.inner.putObjectStream?.bind(this.inner);
    if (inner === undefined) throw new Error('the inner store takes no streamed PUTs');
    this.putObjectStream = (input) => {
      const call = { op: 'PutObject' as const, key: input.key, bytes: input.size, streamed: true };
      return this.run(call, (damaged) =>
        inner(damaged === undefined ? input : { ...input, body: damagedStream(input.body, input.size) }),
      );
    };
    return this;
  }

  /** Fails matching requests with `fault`, `times` times. */
  inject(fault: Fault, match: (call: Call) => boolean, times = Infinity): void {
    this.faults.push({ fault, match, times });
  }

  /** The first matching request (done by the inner store first when `afterInner`) never answers, nor any later one. */
  crashOn(match: (call: Call) => boolean, afterInner: boolean): void {
    this.crashRule = { match, afterInner };
  }

  /** Requests of one kind (and key). */
  count(op: Operation, key?: string): number {
    return this.calls.filter((c) => c.op === op && (key === undefined || c.key === key)).length;
  }

  createBucket(bucket: string): Promise<void> {
    return this.inner.createBucket(bucket);
  }
  checkBucket(bucket: string): Promise<void> {
    return this.inner.checkBucket(bucket);
  }
  putObject(input: PutObjectInput): Promise<{ etag: string | null }> {
    return this.run(
      {
        op: 'PutObject',
        key: input.key,
        bytes: bodyLength(input.body),
        ...(input.contentMd5 === undefined ? { unclaimed: true } : {}),
      },
      (body) => this.inner.putObject({ ...input, body: body ?? input.body }),
      wholeBody(input.body),
    );
  }
  createMultipartUpload(
    input: ObjectHeaders & { bucket: string; key: string },
  ): Promise<{ uploadId: string }> {
    return this.run({ op: 'CreateMultipartUpload', key: input.key, bytes: 0 }, () =>
      this.inner.createMultipartUpload(input),
    );
  }
  uploadPart(input: UploadPartInput): Promise<{ etag: string }> {
    const call = {
      op: 'UploadPart' as const,
      key: input.key,
      partNumber: input.partNumber,
      bytes: bodyLength(input.body),
      signedPayload: input.contentMd5 === undefined,
    };
    return this.run(
      call,
      (body) => this.inner.uploadPart({ ...input, body: body ?? input.body }),
      wholeBody(input.body),
    );
  }
  completeMultipartUpload(input: CompleteMultipartInput): Promise<{ etag: string }> {
    return this.run({ op: 'CompleteMultipartUpload', key: input.key, bytes: 0 }, () =>
      this.inner.completeMultipartUpload(input),
    );
  }
  abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    return this.run({ op: 'AbortMultipartUpload', key: input.key, bytes: 0 }, () =>
      this.inner.abortMultipartUpload(input),
    );
  }
  listMultipartUploads(bucket: string, prefix: string) {
    return this.run({ op: 'ListMultipartUploads', key: prefix, bytes: 0 }, () =>
      this.inner.listMultipartUploads(bucket, prefix),
    );
  }
  headObject(bucket: string, key: string): Promise<StoredObject | null> {
    return this.run({ op: 'HeadObject', key, bytes: 0 }, () => this.inner.headObject(bucket, key));
  }
  listObjects(
    bucket: string,
    prefix: string,
    startAfter?: string,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }> {
    return this.inner.listObjects(bucket, prefix, startAfter);
  }
  getObject(bucket: string, key: string): Promise<Readable> {
    return this.inner.getObject(bucket, key);
  }
  deleteObject(bucket: string, key: string): Promise<void> {
    return this.inner.deleteObject(bucket, key);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Runs `work` as the request `call`, with the faults that match it. `work` gets the body to send
   * instead of its own: a damaged copy of `body`, or for a streamed call (no `body`) an empty
   * buffer that stands for "damage the stream"; undefined when the request goes as it is.
   */
  private async run<T>(call: Call, work: (body?: Buffer) => Promise<T>, body?: Buffer): Promise<T> {
    if (this.crashed) return never();
    this.calls.push(call);
    this.onCall(call);
    this.inFlightBytes += call.bytes;
    this.peakInFlightBytes = Math.max(this.peakInFlightBytes, this.inFlightBytes);
    this.inFlightRequests += 1;
    this.peakInFlightRequests = Math.max(this.peakInFlightRequests, this.inFlightRequests);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.crashRule?.match(call)) {
        this.crashed = true;
        if (this.crashRule.afterInner) await work(body);
        return never();
      }
      const rule = this.faults.find((r) => r.times > 0 && r.match(call));
      if (rule) rule.times -= 1;
      if (rule?.fault === 'corrupt' && call.signedPayload)
        throw storageError('BadDigest', 400, { reason: 'injected: the payload hash does not match' });
      if (rule?.fault === 'corrupt' && call.streamed) return await work(Buffer.alloc(0));
      if (rule?.fault === 'corrupt') return await work(damaged(body ?? Buffer.alloc(0)));
      if (rule?.fault === 'no-etag' || rule?.fault === 'wrong-etag' || rule?.fault === 'opaque-etag')
        return answered(await work(body), rule.fault);
      if (rule) throw failure(rule.fault);
      return await work(body);
    } finally {
      this.inFlightBytes -= call.bytes;
      this.inFlightRequests -= 1;
    }
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

function damaged(body: Buffer): Buffer {
  if (body.length === 0) return Buffer.from('x');
  const copy = Buffer.from(body);
  copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0xff;
  return copy;
}

/** `body` with the byte in the middle of its `size` flipped on the way. */
async function* damagedStream(body: AsyncIterable<Buffer>, size: number): AsyncIterable<Buffer> {
  let at = 0;
  const middle = size >> 1;
  for await (const chunk of body) {
    if (middle >= at && middle < at + chunk.length) {
      const copy = Buffer.from(chunk);
      copy[middle - at] = copy[middle - at]! ^ 0xff;
      yield copy;
    } else yield chunk;
    at += chunk.length;
  }
}

/** The answer with its ETag left out or replaced by another object's. */
function answered<T>(answer: T, fault: AnswerFault): T {
  if (typeof answer !== 'object' || answer === null || !('etag' in answer)) return answer;
  const etags = {
    'no-etag': null,
    'wrong-etag': '"0123456789abcdef0123456789abcdef"',
    'opaque-etag': '"kms-3f2a"',
  };
  const etag = etags[fault];
  return { ...answer, etag };
}

function failure(fault: Exclude<Fault, 'corrupt' | AnswerFault>): Error {
  switch (fault) {
    case 'slowdown':
      return storageError('SlowDown', 503, { reason: 'injected' });
    case 'internal':
      return storageError('InternalError', 500, { reason: 'injected' });
    case 'reset':
      return storageError('RequestTimeout', 400, { network: true, reason: 'injected ECONNRESET' });
    case 'deny':
      return storageError('AccessDenied', 403, { reason: 'injected' });
  }
}
