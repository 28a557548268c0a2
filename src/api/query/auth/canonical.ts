import { createHash, createHmac } from 'node:crypto';
import { rfc3986, type Pair } from '../form.js';

/** Lower-case hex SHA-256, as SigV4 writes payload and canonical-request hashes. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC of UTF-8 text with SHA-256 (SigV4, SigV2 HmacSHA256) or SHA-1 (SigV2 HmacSHA1). */
export function hmac(algorithm: 'sha256' | 'sha1', key: Buffer | string, data: string): Buffer {
  return createHmac(algorithm, key).update(data, 'utf8').digest();
}

function byName(a: Pair, b: Pair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function utf8Order(a: Pair, b: Pair): number {
  return (
    Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])) ||
    Buffer.compare(Buffer.from(a[1]), Buffer.from(b[1]))
  );
}

const join = (pairs: readonly Pair[]): string => pairs.map(([name, value]) => `${name}=${value}`).join('&');

/**
 * SigV4's canonical query string (AWS spec): every pair but `exclude`, name and value RFC 3986
 * encoded, sorted by encoded name, then by encoded value for repeated names.
 */
export function sigV4CanonicalQuery(pairs: readonly Pair[], exclude?: string): string {
  const encoded = pairs
    .filter(([name]) => name !== exclude)
    .map(([name, value]): Pair => [rfc3986(name), rfc3986(value)]);
  return join(encoded.sort(byName));
}

/**
 * The canonical query string botocore signs when the query is already in the URL: the pairs
 * exactly as sent (a literal `+` stays `+`), sorted the same way.
 */
export function literalCanonicalQuery(raw: readonly Pair[], exclude?: string): string {
  return join(raw.filter(([name]) => name !== exclude).sort(byName));
}

/**
 * SigV2's canonical query string: every pair but `Signature`, sorted by name in UTF-8 byte order
 * (then by value for repeated names), each RFC 3986 encoded.
 */
export function sigV2CanonicalQuery(pairs: readonly Pair[]): string {
  const sorted = pairs.filter(([name]) => name !== 'Signature').sort(utf8Order);
  return join(sorted.map(([name, value]): Pair => [rfc3986(name), rfc3986(value)]));
}

/** SigV4's canonical URI: each path segment RFC 3986 encoded once (`/` for the query API). */
export function canonicalUri(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((segment) => {
      try {
        return rfc3986(decodeURIComponent(segment));
      } catch {
        return segment;
      }
    })
    .join('/');
}
