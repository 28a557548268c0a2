import { withReason } from '../errors.js';
import type { Params } from '../params.js';
import { parseAmzDate, toAmzDate } from './clock.js';
import { decodeHexSignature } from './compare.js';
import { header, type SignedRequest } from './request.js';

/** The SigV4 fields of a request, from its Authorization header or its presigned query. */
export interface SigV4Parts {
  accessKeyId: string;
  /** The credential scope: date (YYYYMMDD), region, service. */
  scope: { date: string; region: string; service: string };
  /** Lower-case header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: Buffer;
  /** The request time as the client signed it (`20260302T100000Z`) and as a Date. */
  amzDate: string;
  signedAt: Date;
  /** Seconds a presigned URL stays valid; null for the Authorization header. */
  expiresSeconds: number | null;
}

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

const incomplete = (reason: string) => withReason('IncompleteSignature', reason);

function parseCredential(text: string): Pick<SigV4Parts, 'accessKeyId' | 'scope'> {
  const parts = text.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !/^\d{8}$/.test(date!) || !region || !service) {
    throw incomplete('Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request');
  }
  if (terminator !== 'aws4_request') throw incomplete('Credential must end with aws4_request');
  return { accessKeyId, scope: { date: date!, region, service } };
}

function parseSignedHeaders(text: string): string[] {
  const names = text.split(';').map((name) => name.trim().toLowerCase());
  if (names.some((name) => name === '')) throw incomplete('SignedHeaders has an empty name');
  if (!names.includes('host')) throw incomplete('SignedHeaders must include host');
  return names;
}

function parseSignature(text: string): Buffer {
  const signature = decodeHexSignature(text);
  if (!signature) throw incomplete('Signature must be 64 hexadecimal digits');
  return signature;
}

function signedTime(text: string | undefined, source: string): { amzDate: string; signedAt: Date } {
  if (text === undefined) throw incomplete(`${source} is missing`);
  const signedAt = parseAmzDate(text);
  if (!signedAt) throw incomplete(`${source} must look like 20260302T100000Z`);
  return { amzDate: text, signedAt };
}

/** The request time of a header-signed request: X-Amz-Date, else the Date header (as botocore allows). */
function headerTime(request: SignedRequest): { amzDate: string; signedAt: Date } {
  const amzDate = header(request, 'x-amz-date');
  if (amzDate !== undefined) return signedTime(amzDate, 'X-Amz-Date');
  const date = header(request, 'date');
  const parsed = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(parsed)) throw incomplete('X-Amz-Date (or Date) is missing or malformed');
  const signedAt = new Date(parsed);
  return { amzDate: toAmzDate(signedAt), signedAt };
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`: IncompleteSignature when malformed. */
export function parseAuthorizationHeader(request: SignedRequest, value: string): SigV4Parts {
  const match = /^AWS4-HMAC-SHA256\s+(.+)$/s.exec(value.trim());
  if (!match) throw incomplete('the Authorization header must use AWS4-HMAC-SHA256');
  const fields = new Map<string, string>();
  for (const component of match[1]!.split(',')) {
    const eq = component.indexOf('=');
    if (eq > 0) fields.set(component.slice(0, eq).trim(), component.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw incomplete('the Authorization header needs Credential, SignedHeaders and Signature');
  }
  return {
    ...parseCredential(credential),
    signedHeaders: parseSignedHeaders(signedHeaders),
    signature: parseSignature(signature),
    ...headerTime(request),
    expiresSeconds: null,
  };
}

function presignedField(query: Params, name: string): string {
  const value = query.optionalString(name);
  if (value === undefined || value === '') throw incomplete(`${name} is missing`);
  return value;
}

/** The X-Amz-* parameters of a presigned URL: IncompleteSignature when one is missing or malformed. */
export function parsePresignedQuery(query: Params): SigV4Parts {
  if (presignedField(query, 'X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    throw incomplete(`X-Amz-Algorithm must be ${SIGV4_ALGORITHM}`);
  }
  const expires = presignedField(query, 'X-Amz-Expires');
  const expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN;
  if (!(expiresSeconds <= MAX_PRESIGNED_SECONDS)) {
    throw incomplete(`X-Amz-Expires must be a number of seconds up to ${MAX_PRESIGNED_SECONDS}`);
  }
  return {
    ...parseCredential(presignedField(query, 'X-Amz-Credential')),
    signedHeaders: parseSignedHeaders(presignedField(query, 'X-Amz-SignedHeaders')),
    signature: parseSignature(presignedField(query, 'X-Amz-Signature')),
    ...signedTime(presignedField(query, 'X-Amz-Date'), 'X-Amz-Date'),
    expiresSeconds,
  };
}
