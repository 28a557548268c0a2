import { createHash } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

// FAULT INJECTION, for tests only: a reverse proxy in front of an S3 endpoint (path-style
// requests). Requests and answers pass through byte for byte, the Host header included, so SigV4
// signatures stay valid; the proxy only steps in when told to: it answers a share of PUT/POST
// requests itself with S3's `503 SlowDown`, or flips one byte of a chosen request's body so that
// the server refuses it (XAmzContentSHA256Mismatch; BadDigest when the proxy signs the damaged
// request again, see resignWith). Every request is logged with the status it got.

/** What the proxy injects. */
export interface S3ProxyOptions {
  /** Answer this share (0..1) of PUT and POST requests with 503 SlowDown, drawn from a seeded PRNG. */
  fail503?: { ratio: number; seed?: number };
  /**
   * Flip one byte of the body of the requests for which this returns true (an empty body passes
   * unchanged). `path` is the decoded URL path, `/bucket/key`.
   */
  corrupt?: (method: string, path: string) => boolean;
  /**
   * The secret key of the client's access key. A flipped byte alone makes SigV4's signed payload
   * hash (x-amz-content-sha256) wrong, and the server answers XAmzContentSHA256Mismatch before it
   * looks at Content-MD5. With this secret, a corrupted request is signed again over the damaged
   * body, so the only thing left wrong is its Content-MD5 and the server answers BadDigest.
   */
  resignWith?: string;
}

/** One request as the proxy saw it, logged when its answer came (or the exchange failed). */
export interface ProxiedRequest {
  method: string;
  /** Decoded URL path: `/bucket/key`. */
  path: string;
  bucket: string;
  /** Decoded object key; '' for requests on a bucket. */
  key: string;
  uploadId: string | null;
  partNumber: number | null;
  /** `?uploads` (CreateMultipartUpload), `?delete`, ...: the query names without a value. */
  flags: string[];
  /** The status the server answered (also when the client had gone), or the proxy's own; 0 on failure. */
  status: number;
  /** What the proxy did to the request. */
  injected: 'slowdown' | 'corrupt' | null;
}

/** A running proxy. */
export interface S3Proxy {
  /** `http://127.0.0.1:PORT`: give it to clients as their S3 endpoint. */
  url: string;
  /** Every request so far, in the order their answers came. */
  requests: ProxiedRequest[];
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
}

/** Headers that belong to one hop and are not forwarded. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

const SLOW_DOWN_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
  '<Message>Please reduce your request rate.</Message><RequestId>s3-proxy</RequestId></Error>';

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `target` (`http://host:port`, plain
 * HTTP). Rejects when it cannot listen. Requests the target cannot be reached for get 502 and a
 * log entry with status 0.
 */
export async function startS3Proxy(target: string, options: S3ProxyOptions = {}): Promise<S3Proxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const draw = options.fail503 ? seededRandom(options.fail503.seed ?? 1) : null;
  const server = createServer((req, res) => {
    const entry = describeRequest(req);
    const record = (status: number) => requests.push({ ...entry, status });
    const writes = req.method === 'PUT' || req.method === 'POST';
    if (writes && draw && draw() < options.fail503!.ratio) {
      entry.injected = 'slowdown';
      answerSlowDown(req, res, record);
      return;
    }
    if (!options.corrupt?.(entry.method, entry.path))
      return forward(upstream, req, res, { headers: req.headers, body: req }, record);
    entry.injected = 'corrupt';
    void damage(req, options.resignWith).then(
      (outgoing) => forward(upstream, req, res, outgoing, record),
      () => {
        record(0);
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Successful object writes per key in a proxy's log: PutObject (a PUT without uploadId) and
 * CompleteMultipartUpload (a POST with one) that the server answered 2xx. Never throws.
 */
export function objectWrites(requests: readonly ProxiedRequest[]): Map<string, number> {
  const writes = new Map<string, number>();
  for (const r of requests) {
    const put = r.method === 'PUT' && r.uploadId === null;
    const completed = r.method === 'POST' && r.uploadId !== null;
    if ((put || completed) && r.key !== '' && r.status >= 200 && r.status < 300)
      writes.set(r.key, (writes.get(r.key) ?? 0) + 1);
  }
  return writes;
}

/** The request's log entry, status not yet known. */
function describeRequest(req: IncomingMessage): Omit<ProxiedRequest, 'status'> {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const path = decodeURIComponent(url.pathname);
  const slash = path.indexOf('/', 1);
  const partNumber = url.searchParams.get('partNumber');
  return {
    method: req.method ?? 'GET',
    path,
    bucket: slash < 0 ? path.slice(1) : path.slice(1, slash),
    key: slash < 0 ? '' : path.slice(slash + 1),
    uploadId: url.searchParams.get('uploadId'),
    partNumber: partNumber === null ? null : Number(partNumber),
    flags: [...url.searchParams.entries()].filter(([, value]) => value === '').map(([name]) => name),
    injected: null,
  };
}

/** Reads the body (so the connection stays usable), then answers 503 SlowDown as S3 does. */
function answerSlowDown(req: IncomingMessage, res: ServerResponse, record: (status: number) => void): void {
  req.resume();
  req.once('end', () => {
    res.writeHead(503, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(SLOW_DOWN_XML),
    });
    res.end(SLOW_DOWN_XML);
    record(503);
  });
}

/** What goes to the target: the client's headers and body, or a damaged copy of them. */
interface Outgoing {
  headers: IncomingHttpHeaders;
  body: IncomingMessage | Buffer;
}

/** Sends `outgoing` to the target, and the target's answer back to the client. */
function forward(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  outgoing: Outgoing,
  record: (status: number) => void,
): void {
  const out = httpRequest({
    host: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: withoutHopHeaders(outgoing.headers),
  });
  let recorded = false;
  const recordOnce = (status: number) => {
    if (!recorded) record(status);
    recorded = true;
  };
  out.on('response', (answer) => {
    recordOnce(answer.statusCode ?? 0); // also when the client has gone: the server did the work
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopHeaders(answer.headers));
    answer.pipe(res);
    answer.on('error', () => res.destroy());
    res.on('close', () => answer.resume()); // a client that went away: drain, free the connection
  });
  out.on('error', () => {
    recordOnce(0);
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  if (Buffer.isBuffer(outgoing.body)) {
    out.end(outgoing.body);
    return;
  }
  // The client went away before the whole body was sent: the server must not get a short body.
  req.on('close', () => {
    if (!req.complete) out.destroy();
  });
  outgoing.body.pipe(out);
}

function withoutHopHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));
}

/** The whole body with its first byte inverted, and the headers to send it with (signed again with `secret`). */
async function damage(req: IncomingMessage, secret: string | undefined): Promise<Outgoing> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length > 0) body[0] = body[0]! ^ 0xff;
  const headers = secret === undefined ? req.headers : await signAgain(req, body, secret);
  return { headers, body };
}

/** Names of headers the signer sets itself. */
const SIGNATURE_HEADERS = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
]);

/**
 * The request's headers, SigV4-signed again (same key, region and service as its Authorization
 * header says) for `body`. Throws when the request carries no SigV4 Authorization header.
 */
async function signAgain(req: IncomingMessage, body: Buffer, secret: string): Promise<IncomingHttpHeaders> {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  if (!scope) throw new Error(`not a SigV4 request: ${req.method} ${req.url}`);
  const [, accessKeyId, region, service] = scope;
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret },
    sha256: Sha256,
    uriEscapePath: false, // S3: the path is signed as sent, already encoded once
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !SIGNATURE_HEADERS.has(name) && !HOP_HEADERS.has(name))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const url = new URL(req.url ?? '/', 'http://proxy');
  const query: Record<string, string> = Object.fromEntries(url.searchParams.entries());
  const signed = await signer.sign(
    new HttpRequest({ method: req.method, path: url.pathname, query, headers, body }),
  );
  return signed.headers;
}

/** mulberry32: a small deterministic PRNG giving numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
