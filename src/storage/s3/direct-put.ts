import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import {
  request as httpRequest,
  type Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { bodyLength, type ObjectHeaders } from '../port.js';
import { mapS3Error } from './s3-errors.js';
import { expiryDate, quotedEtag } from './s3-messages.js';

// The data path of the S3 adapter (PutObject and UploadPart) as plain signed HTTP requests. The
// SDK's middleware stack costs 1.6-1.8 ms of CPU per PutObject on this kind of machine; the same
// request signed with the SDK's own signer and sent on the same keep-alive agents costs 0.4 ms
// (issue 7, docs/performance.md). With thousands of small files a second that is the loader's
// largest per-file cost, so these two requests skip the SDK; every other request goes through it.
// Errors are mapped exactly as the SDK's are (mapS3Error): S3 error answers by their code,
// transport failures as RequestTimeout with `details.network`.

/** Where and how the direct requests go. */
export interface DirectTarget {
  readonly endpoint: URL;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly agent: HttpAgent | HttpsAgent;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** One PUT: path-style object, optional query (parts), headers, the whole body. */
export interface DirectPut {
  readonly bucket: string;
  readonly key: string;
  readonly query?: Record<string, string>;
  readonly headers: Record<string, string>;
  /** Whole or in chunks (written one after the other, never copied). */
  readonly body: Buffer | readonly Buffer[];
}

/** One PUT whose body is streamed: `size` bytes as `body` gives them, sent unsigned. */
export interface DirectStreamPut {
  readonly bucket: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly size: number;
  readonly body: AsyncIterable<Buffer>;
  /** Told of each chunk once the socket has it (written to the kernel). */
  readonly sent?: (chunk: Buffer) => void;
}

/** Error answers are read up to this size (an S3 error document is far smaller). */
const ERROR_BODY_LIMIT = 64 * 1024;

/** A node:crypto hash in the shape the signer wants. */
class NodeChecksum implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', Buffer.from(this.secret as Uint8Array | string));
  }
}

/** S3's URI encoding: every byte but the unreserved characters (and `/` in paths). */
export function s3Escape(text: string, keepSlash = false): string {
  const escaped = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? escaped.replace(/%2F/g, '/') : escaped;
}

/** The request headers for object headers (PutObject), as S3 names them. InvalidArgument for an `expires` that is not a date. */
export function objectHeaderFields(headers: ObjectHeaders): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    'content-type': headers.contentType,
    'content-encoding': headers.contentEncoding,
    'cache-control': headers.cacheControl,
    'content-disposition': headers.contentDisposition,
    'content-language': headers.contentLanguage,
    expires: headers.expires === undefined ? undefined : expiryDate(headers.expires).toUTCString(),
    'x-amz-acl': headers.acl,
    'x-amz-storage-class': headers.storageClass,
  };
  for (const [name, value] of Object.entries(headers.metadata ?? {})) fields[`x-amz-meta-${name}`] = value;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

/** Sends signed PUTs to one endpoint. */
export class DirectPutter {
  private readonly signer: SignatureV4;
  private readonly basePath: string;

  constructor(private readonly target: DirectTarget) {
    this.signer = new SignatureV4({
      service: 's3',
      region: target.region,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      sha256: NodeChecksum,
      uriEscapePath: false,
      applyChecksum: false,
    });
    this.basePath = target.endpoint.pathname.replace(/\/+$/, '');
  }

  /**
   * PUTs `put.body`; resolves with the answer's ETag (quoted; null when the server sent none).
   * A body with Content-MD5 goes with an unsigned payload (the server checks the MD5); one without
   * is signed with its SHA-256. Rejects with the mapped storage error.
   */
  async put(put: DirectPut): Promise<{ etag: string | null }> {
    const signed = await this.sign(put);
    const answer = await this.send(signed.path, signed.headers, put.body);
    const etag = answer.headers.etag;
    return { etag: typeof etag === 'string' && etag !== '' ? quotedEtag(etag) : null };
  }

  /**
   * PUTs `put.size` bytes from `put.body` as they come, with an unsigned payload and no
   * Content-MD5 (the caller checks the ETag); resolves with the answer's ETag as `put` does. When
   * the body fails, the request is dropped before its last byte (the server stores nothing) and the
   * put rejects with the body's error; when the server answers first, writing stops.
   */
  async putStream(put: DirectStreamPut): Promise<{ etag: string | null }> {
    const headers = { ...put.headers, 'content-length': String(put.size) };
    const signed = await this.sign({ bucket: put.bucket, key: put.key, headers }, 'UNSIGNED-PAYLOAD');
    const answer = await this.send(signed.path, signed.headers, (req, settled) =>
      streamBody(req, put, settled),
    );
    const etag = answer.headers.etag;
    return { etag: typeof etag === 'string' && etag !== '' ? quotedEtag(etag) : null };
  }

  private async sign(put: Omit<DirectPut, 'body'> & { body?: DirectPut['body'] }, unsigned?: string) {
    const { endpoint } = this.target;
    const path = `${this.basePath}/${s3Escape(put.bucket)}/${s3Escape(put.key, true)}`;
    const query = put.query ?? {};
    const chunks = put.body === undefined ? [] : Buffer.isBuffer(put.body) ? [put.body] : put.body;
    const payloadHash =
      unsigned ?? (put.headers['content-md5'] !== undefined ? 'UNSIGNED-PAYLOAD' : sha256Hex(chunks));
    const headers = {
      'content-length': String(bodyLength(chunks)),
      ...put.headers,
      host: endpoint.host,
      'x-amz-content-sha256': payloadHash,
    };
    const request = {
      method: 'PUT',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      path,
      query,
      headers,
    };
    const signed = await this.signer.sign(request);
    const search = Object.entries(query)
      .map(([name, value]) => `${s3Escape(name)}=${s3Escape(value)}`)
      .join('&');
    return { path: search === '' ? path : `${path}?${search}`, headers: signed.headers };
  }

  /** Sends the request; resolves with a 2xx answer (its body drained), rejects with the mapped error. */
  private send(
    path: string,
    headers: Record<string, string>,
    body: Buffer | readonly Buffer[] | BodyWriter,
  ): Promise<IncomingMessage> {
    const { endpoint, agent, connectTimeoutMs, idleTimeoutMs } = this.target;
    const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        settled = true;
        reject(mapS3Error(error));
      };
      let req: ReturnType<typeof send>;
      try {
        req = send(
          { agent, method: 'PUT', hostname: endpoint.hostname, port: endpoint.port, path, headers },
          (answer) =>
            this.answered(
              answer,
              (done) => {
                settled = true;
                resolve(done);
              },
              fail,
            ),
        );
      } catch (error) {
        // A header value node:http refuses (a control character in user metadata): that file's row.
        fail(error);
        return;
      }
      req.on('error', fail);
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => req.destroy(transportError('ETIMEDOUT', 'connect timeout')),
          connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.setTimeout(idleTimeoutMs, () => req.destroy(transportError('ETIMEDOUT', 'the server went silent')));
      if (typeof body === 'function') {
        body(req, () => settled).catch((error: unknown) => {
          settled = true;
          reject(error); // the body's own failure, as it is (a device read error)
          req.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      } else if (Buffer.isBuffer(body)) req.end(body);
      else {
        for (const chunk of body) req.write(chunk);
        req.end();
      }
    });
  }

  /** A 2xx answer resolves (its body drained); any other is read and fails as its S3 error. */
  private answered(
    answer: IncomingMessage,
    resolve: (answer: IncomingMessage) => void,
    fail: (error: unknown) => void,
  ): void {
    answer.on('error', fail);
    if ((answer.statusCode ?? 0) >= 200 && (answer.statusCode ?? 0) < 300) {
      answer.resume().on('end', () => resolve(answer));
      return;
    }
    readErrorBody(answer).then((text) => fail(errorAnswer(answer, text)), fail);
  }
}

/** Writes a streamed body into `req` (stopping once the request has settled); rejects with the body's failure. */
type BodyWriter = (req: ClientRequest, settled: () => boolean) => Promise<void>;

/**
 * Writes `put.body` with backpressure, telling `put.sent` of each chunk the socket took, and ends
 * the request. When the server has answered first (an error before the whole body), the request
 * is dropped: its socket, in the middle of a body, cannot carry another request.
 */
async function streamBody(req: ClientRequest, put: DirectStreamPut, settled: () => boolean): Promise<void> {
  for await (const chunk of put.body) {
    if (settled() || req.destroyed) {
      req.destroy();
      return;
    }
    const more = req.write(chunk, (error) => {
      if (!error) put.sent?.(chunk); // written: the chunk may be used again
    });
    if (!more) await drained(req);
  }
  if (!settled() && !req.destroyed) req.end();
}

/** Resolves when `req` can take more, or when it is closed (the caller then sees it destroyed). */
function drained(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

function sha256Hex(chunks: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

function transportError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, name: 'TimeoutError' });
}

async function readErrorBody(answer: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    if (size < ERROR_BODY_LIMIT) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An S3 error answer in the shape mapS3Error reads from the SDK's errors. */
function errorAnswer(answer: IncomingMessage, text: string) {
  const field = (name: string) => {
    const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    return raw === undefined ? undefined : unescapeXml(raw);
  };
  const code = field('Code');
  const requestId = field('RequestId') ?? headerText(answer.headers['x-amz-request-id']);
  return {
    name: code ?? `HTTP ${answer.statusCode}`,
    Code: code,
    message:
      field('Message') ?? `the server answered ${answer.statusCode} ${answer.statusMessage ?? ''}`.trim(),
    $metadata: { httpStatusCode: answer.statusCode, requestId },
  };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? '');
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
