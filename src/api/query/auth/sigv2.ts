import { withReason } from '../errors.js';
import type { Params } from '../params.js';
import { hmac, sigV2CanonicalQuery } from './canonical.js';
import { checkNotExpired, checkSkew, parseIsoTime } from './clock.js';
import { decodeBase64Signature, signaturesMatch } from './compare.js';

/** The SigV2 fields of a request (AWS "Signature Version 2": parameters in the query or the form body). */
export interface SigV2Parts {
  accessKeyId: string;
  algorithm: 'sha256' | 'sha1';
  signature: Buffer;
  timestamp: Date | null;
  expires: Date | null;
}

const METHODS: Record<string, 'sha256' | 'sha1'> = { HmacSHA256: 'sha256', HmacSHA1: 'sha1' };

function required(params: Params, name: string): string {
  const value = params.optionalString(name);
  if (value === undefined || value === '') throw withReason('IncompleteSignature', `${name} is missing`);
  return value;
}

function time(params: Params, name: string): Date | null {
  const text = params.optionalString(name);
  if (text === undefined) return null;
  const parsed = parseIsoTime(text);
  if (!parsed) throw withReason('IncompleteSignature', `${name} is not an ISO-8601 time`);
  return parsed;
}

/** Reads AWSAccessKeyId, Signature, SignatureMethod, SignatureVersion and Timestamp or Expires: IncompleteSignature when one is missing or malformed. */
export function parseSigV2(params: Params): SigV2Parts {
  const accessKeyId = required(params, 'AWSAccessKeyId');
  const signature = decodeBase64Signature(required(params, 'Signature'));
  if (!signature) throw withReason('IncompleteSignature', 'Signature is not base64');
  if (required(params, 'SignatureVersion') !== '2') {
    throw withReason('IncompleteSignature', 'SignatureVersion must be 2');
  }
  const algorithm = METHODS[required(params, 'SignatureMethod')];
  if (!algorithm) throw withReason('IncompleteSignature', 'SignatureMethod must be HmacSHA256 or HmacSHA1');
  const timestamp = time(params, 'Timestamp');
  const expires = time(params, 'Expires');
  if ((timestamp === null) === (expires === null)) {
    throw withReason('IncompleteSignature', 'send exactly one of Timestamp and Expires');
  }
  return { accessKeyId, algorithm, signature, timestamp, expires };
}

/** RequestTimeTooSkewed for a Timestamp over 15 minutes off, or an Expires in the past. */
export function checkSigV2Time(parts: SigV2Parts, now: Date): void {
  if (parts.timestamp) checkSkew(parts.timestamp, now);
  if (parts.expires) checkNotExpired(parts.expires, now);
}

/** `VERB \n lowercase host \n path \n canonical query`. */
export function sigV2StringToSign(method: string, host: string, path: string, params: Params): string {
  return `${method.toUpperCase()}\n${host}\n${path || '/'}\n${sigV2CanonicalQuery(params.pairs)}`;
}

/**
 * True when the signature matches the parameters signed with `secret`. The host is tried lower-cased
 * (the spec) and, when different, as sent (botocore signs the URL's host as written).
 */
export function verifySigV2(
  request: { method: string; host: string; path: string },
  params: Params,
  parts: SigV2Parts,
  secret: string,
): boolean {
  const hosts = new Set([request.host.toLowerCase(), request.host]);
  for (const host of hosts) {
    const stringToSign = sigV2StringToSign(request.method, host, request.path, params);
    if (signaturesMatch(hmac(parts.algorithm, secret, stringToSign), parts.signature)) return true;
  }
  return false;
}
