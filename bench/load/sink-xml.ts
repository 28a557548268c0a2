/**
 * The null sink's answers as S3 XML (listings of objects, uploads and parts), and the decoding of
 * an `aws-chunked` body (SigV4 streaming uploads), for bench/load/sink.ts.
 */

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An S3 XML document: `<root xmlns=…>inner</root>`. */
export function xml(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * ListObjectsV2 (and V1 by marker) over the stored keys: Prefix, StartAfter / ContinuationToken /
 * Marker, MaxKeys (1,000 at most). Sorts the keys on every call: fine for the bench's rare lists.
 */
export function listObjectsXml(
  bucket: string,
  objects: ReadonlyMap<string, { size: number; etag: string }>,
  query: URLSearchParams,
): string {
  const prefix = query.get('prefix') ?? '';
  const after = query.get('continuation-token') ?? query.get('start-after') ?? query.get('marker') ?? '';
  const max = Math.min(1000, Number(query.get('max-keys') ?? 1000));
  const keys = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
  const page = keys.slice(0, max);
  const truncated = keys.length > page.length;
  const now = new Date().toISOString();
  const contents = page.map((key) => {
    const stored = objects.get(key)!;
    return `<Contents><Key>${text(key)}</Key><LastModified>${now}</LastModified><ETag>${text(stored.etag)}</ETag><Size>${stored.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  });
  const next = truncated ? `<NextContinuationToken>${text(page.at(-1)!)}</NextContinuationToken>` : '';
  const head = `<Name>${bucket}</Name><Prefix>${text(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`;
  return xml('ListBucketResult', `${head}${next}${contents.join('')}`);
}

/** ListMultipartUploads: every open upload of the bucket, in one page. */
export function listUploadsXml(bucket: string, open: readonly (readonly [string, string])[]): string {
  const now = new Date().toISOString();
  const items = open.map(
    ([key, id]) =>
      `<Upload><Key>${text(key)}</Key><UploadId>${id}</UploadId><Initiated>${now}</Initiated></Upload>`,
  );
  return xml(
    'ListMultipartUploadsResult',
    `<Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${items.join('')}`,
  );
}

/** ListParts: the parts received so far, in one page. */
export function listPartsXml(
  target: { bucket: string; key: string },
  uploadId: string,
  parts: ReadonlyMap<number, { size: number; md5: Buffer }>,
): string {
  const items = [...parts.entries()]
    .sort(([a], [b]) => a - b)
    .map(
      ([n, part]) =>
        `<Part><PartNumber>${n}</PartNumber><ETag>"${part.md5.toString('hex')}"</ETag><Size>${part.size}</Size></Part>`,
    );
  const head = `<Bucket>${target.bucket}</Bucket><Key>${text(target.key)}</Key><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>`;
  return xml('ListPartsResult', `${head}${items.join('')}`);
}

/**
 * The payload of an `aws-chunked` body: chunks of `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`
 * up to a chunk of size 0 (trailers after it are ignored).
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString().split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
