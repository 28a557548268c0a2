import { withReason } from '../errors.js';
import { canonicalUri, hmac, literalCanonicalQuery, sha256Hex, sigV4CanonicalQuery } from './canonical.js';
import { checkNotExpired, checkSkew } from './clock.js';
import { signaturesMatch } from './compare.js';
import { header, headerValues, type SignedRequest } from './request.js';
import { SIGV4_ALGORITHM, type SigV4Parts } from './sigv4-parse.js';

/** DECISIONS §4: the service names a SigV4 credential may be scoped to. */
export const SIGV4_SERVICES: readonly string[] = ['importexport', 'IngestionService'];

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SIGNATURE_PARAM = 'X-Amz-Signature';

/**
 * SignatureDoesNotMatch when the credential is scoped to another service or day; RequestTimeTooSkewed
 * when the request time is over 15 minutes off, or a presigned URL has expired.
 */
export function checkSigV4Scope(parts: SigV4Parts, now: Date): void {
  if (!SIGV4_SERVICES.includes(parts.scope.service)) {
    throw withReason(
      'SignatureDoesNotMatch',
      `the credential must be scoped to ${SIGV4_SERVICES.join(' or ')}`,
    );
  }
  if (parts.scope.date !== parts.amzDate.slice(0, 8)) {
    throw withReason('SignatureDoesNotMatch', 'the credential date is not the date of the request time');
  }
  if (parts.expiresSeconds === null) {
    checkSkew(parts.signedAt, now);
    return;
  }
  // A presigned URL may be used long after it was signed, but never before.
  if (parts.signedAt.getTime() > now.getTime()) checkSkew(parts.signedAt, now);
  checkNotExpired(new Date(parts.signedAt.getTime() + parts.expiresSeconds * 1000), now);
}

/** `name:value` lines for the signed headers: values trimmed, runs of whitespace collapsed, repeats joined by commas. */
export function canonicalHeaders(request: SignedRequest, names: readonly string[]): string {
  return names
    .map((name) => {
      const values = headerValues(request, name).map((v) => v.trim().replace(/\s+/g, ' '));
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
}

/**
 * The payload hashes the client may have signed. Header auth: the x-amz-content-sha256 header when
 * sent (it must be the body's hash; UNSIGNED-PAYLOAD only for an empty body), else the body's hash.
 * Presigned: the body's hash, or UNSIGNED-PAYLOAD when the body is empty.
 */
function payloadHashes(request: SignedRequest, parts: SigV4Parts): string[] {
  const bodyHash = sha256Hex(request.rawBody);
  const empty = request.rawBody.length === 0;
  if (parts.expiresSeconds !== null) return empty ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
  const claimed = header(request, 'x-amz-content-sha256');
  if (claimed === undefined) return [bodyHash];
  if (claimed === UNSIGNED_PAYLOAD && empty) return [claimed];
  if (claimed.toLowerCase() === bodyHash) return [claimed];
  throw withReason('SignatureDoesNotMatch', 'x-amz-content-sha256 is not the SHA-256 of the body');
}

/** The spec's canonical query string and, when different, botocore's literal one for a typed-in URL. */
function queryStrings(request: SignedRequest, parts: SigV4Parts): string[] {
  const exclude = parts.expiresSeconds === null ? undefined : SIGNATURE_PARAM;
  const spec = sigV4CanonicalQuery(request.query.pairs, exclude);
  const literal = literalCanonicalQuery(request.query.raw, exclude);
  return literal === spec ? [spec] : [spec, literal];
}

/** SigV4's derived key: HMAC chain over date, region, service and `aws4_request`. */
export function signingKey(secret: string, scope: SigV4Parts['scope']): Buffer {
  const date = hmac('sha256', `AWS4${secret}`, scope.date);
  const region = hmac('sha256', date, scope.region);
  const service = hmac('sha256', region, scope.service);
  return hmac('sha256', service, 'aws4_request');
}

/** `AWS4-HMAC-SHA256 \n request time \n scope \n hex SHA-256 of the canonical request`. */
export function sigV4StringToSign(parts: SigV4Parts, canonicalRequest: string): string {
  const scope = `${parts.scope.date}/${parts.scope.region}/${parts.scope.service}/aws4_request`;
  return `${SIGV4_ALGORITHM}\n${parts.amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** True when the signature matches the request signed with `secret` (AWS Signature Version 4). */
export function verifySigV4(request: SignedRequest, parts: SigV4Parts, secret: string): boolean {
  const key = signingKey(secret, parts.scope);
  const prefix = `${request.method.toUpperCase()}\n${canonicalUri(request.path)}\n`;
  const suffix = `\n${canonicalHeaders(request, parts.signedHeaders)}\n${parts.signedHeaders.join(';')}\n`;
  for (const query of queryStrings(request, parts)) {
    for (const payload of payloadHashes(request, parts)) {
      const stringToSign = sigV4StringToSign(parts, `${prefix}${query}${suffix}${payload}`);
      if (signaturesMatch(hmac('sha256', key, stringToSign), parts.signature)) return true;
    }
  }
  return false;
}
