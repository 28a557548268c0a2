/**
 * A null S3 sink for the memory runs (set D): a tiny path-style S3 server that reads every body,
 * answers with its MD5 as the ETag and keeps only key -> {size, ETag}, so a load of a million
 * files is not limited by a real server (RGW spends 2.5-4.5 ms of CPU per small PUT here). No
 * signature is checked. Run as its own process (`node sink.js`): it prints
 * `sink listening on PORT`. The bench reads `GET /_sink/stats?bucket=B` (objects, bytes, requests)
 * and drops a bucket with `DELETE /_sink/bucket?bucket=B`; bucket names cannot hold `_`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodeAwsChunked, listObjectsXml, listPartsXml, listUploadsXml, xml } from './sink-xml.js';

interface Stored {
  readonly size: number;
  readonly etag: string;
}

interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly parts: Map<number, { size: number; md5: Buffer }>;
}

const buckets = new Map<string, Map<string, Stored>>();
const uploads = new Map<string, Upload>();
let requests = 0;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const streaming = String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
      resolve(streaming ? decodeAwsChunked(body) : body);
    });
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function fail(res: ServerResponse, status: number, code: string): void {
  send(res, status, { 'content-type': 'application/xml' }, xml('Error', `<Code>${code}</Code>`));
}

function md5(body: Buffer): Buffer {
  return createHash('md5').update(body).digest();
}

/** The bench's own calls: stats of a bucket, or dropping it. */
function sinkCall(url: URL, method: string, res: ServerResponse): void {
  const bucket = url.searchParams.get('bucket') ?? '';
  const objects = buckets.get(bucket);
  if (method === 'DELETE') buckets.delete(bucket);
  let bytes = 0;
  for (const stored of objects?.values() ?? []) bytes += stored.size;
  const stats = { exists: objects !== undefined, objects: objects?.size ?? 0, bytes, requests };
  send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(stats));
}

async function bucketCall(req: IncomingMessage, res: ServerResponse, bucket: string, url: URL) {
  const objects = buckets.get(bucket);
  if (req.method === 'PUT') {
    await readBody(req);
    if (objects === undefined) buckets.set(bucket, new Map());
    return send(res, 200, { location: `/${bucket}` });
  }
  if (objects === undefined)
    return req.method === 'HEAD' ? send(res, 404, {}) : fail(res, 404, 'NoSuchBucket');
  if (req.method === 'HEAD') return send(res, 200, {});
  if (req.method === 'DELETE') {
    buckets.delete(bucket);
    return send(res, 204, {});
  }
  const type = { 'content-type': 'application/xml' };
  if (url.searchParams.has('uploads')) {
    const open = [...uploads.entries()].filter(([, upload]) => upload.bucket === bucket);
    return send(
      res,
      200,
      type,
      listUploadsXml(
        bucket,
        open.map(([id, upload]) => [upload.key, id]),
      ),
    );
  }
  return send(res, 200, type, listObjectsXml(bucket, objects, url.searchParams));
}

async function putObject(
  req: IncomingMessage,
  res: ServerResponse,
  objects: Map<string, Stored>,
  key: string,
) {
  const body = await readBody(req);
  const etag = `"${md5(body).toString('hex')}"`;
  objects.set(key, { size: body.length, etag });
  send(res, 200, { etag });
}

async function multipartCall(
  req: IncomingMessage,
  res: ServerResponse,
  target: { bucket: string; key: string },
  url: URL,
) {
  const objects = buckets.get(target.bucket)!;
  const uploadId = url.searchParams.get('uploadId');
  const type = { 'content-type': 'application/xml' };
  if (uploadId === null) {
    const id = randomBytes(12).toString('hex');
    uploads.set(id, { ...target, parts: new Map() });
    const inner = `<Bucket>${target.bucket}</Bucket><Key>${xmlText(target.key)}</Key><UploadId>${id}</UploadId>`;
    return send(res, 200, type, xml('InitiateMultipartUploadResult', inner));
  }
  const upload = uploads.get(uploadId);
  if (upload === undefined) return fail(res, 404, 'NoSuchUpload');
  if (req.method === 'DELETE') {
    uploads.delete(uploadId);
    return send(res, 204, {});
  }
  if (req.method === 'GET') return send(res, 200, type, listPartsXml(target, uploadId, upload.parts));
  const partNumber = Number(url.searchParams.get('partNumber'));
  const body = await readBody(req);
  if (req.method === 'PUT') {
    const digest = md5(body);
    upload.parts.set(partNumber, { size: body.length, md5: digest });
    return send(res, 200, { etag: `"${digest.toString('hex')}"` });
  }
  const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
  const parts = numbers.map((n) => upload.parts.get(n));
  if (parts.some((part) => part === undefined)) return fail(res, 400, 'InvalidPart');
  const chosen = parts as { size: number; md5: Buffer }[];
  const etag = `"${md5(Buffer.concat(chosen.map((part) => part.md5))).toString('hex')}-${chosen.length}"`;
  objects.set(target.key, { size: chosen.reduce((sum, part) => sum + part.size, 0), etag });
  uploads.delete(uploadId);
  const inner = `<Bucket>${target.bucket}</Bucket><Key>${xmlText(target.key)}</Key><ETag>${xmlText(etag)}</ETag>`;
  send(res, 200, type, xml('CompleteMultipartUploadResult', inner));
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function objectCall(req: IncomingMessage, res: ServerResponse, bucket: string, key: string, url: URL) {
  const objects = buckets.get(bucket);
  if (objects === undefined)
    return req.method === 'HEAD' ? send(res, 404, {}) : fail(res, 404, 'NoSuchBucket');
  if (url.searchParams.has('uploads') || url.searchParams.has('uploadId')) {
    return multipartCall(req, res, { bucket, key }, url);
  }
  if (req.method === 'PUT') return putObject(req, res, objects, key);
  const stored = objects.get(key);
  if (req.method === 'DELETE') {
    objects.delete(key);
    return send(res, 204, {});
  }
  if (stored === undefined) return req.method === 'HEAD' ? send(res, 404, {}) : fail(res, 404, 'NoSuchKey');
  if (req.method !== 'HEAD') return fail(res, 501, 'NotImplemented');
  res.writeHead(200, {
    'content-length': String(stored.size),
    etag: stored.etag,
    'last-modified': new Date().toUTCString(),
  });
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sink');
  if (url.pathname.startsWith('/_sink/')) return sinkCall(url, req.method ?? 'GET', res);
  requests++;
  const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (bucket === '') return fail(res, 400, 'InvalidRequest');
  if (key === '') return bucketCall(req, res, bucket, url);
  return objectCall(req, res, bucket, key, url);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    process.stderr.write(`sink: ${String(error)}\n`);
    if (!res.headersSent) fail(res, 500, 'InternalError');
    else res.destroy();
  });
});
// Longer than any client's keep-alive, so no request races a server-side close.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`sink listening on ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
