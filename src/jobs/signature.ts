import { createHmac, timingSafeEqual } from 'node:crypto';

/** DECISIONS §3: the SIGNATURE file's fixed fields. */
export const SIGNATURE_VERSION = '2.0';
export const SIGNING_METHOD = 'HmacSHA256';
export const SIGNATURE_FILE_NAME = 'SIGNATURE';

/** Strips a UTF-8 BOM and turns CRLF into LF: the bytes the signature covers. */
export function canonicalForSigning(manifestText: string): string {
  return manifestText.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** base64(HMAC-SHA256(secret, jobId + "\n" + manifest with CRLF -> LF)). */
export function computeSignature(secret: Buffer, jobId: string, manifestText: string): string {
  return createHmac('sha256', secret)
    .update(`${jobId}\n${canonicalForSigning(manifestText)}`, 'utf8')
    .digest('base64');
}

export function signatureFileContents(jobId: string, signature: string): string {
  return [
    `version:${SIGNATURE_VERSION}`,
    `signingMethod:${SIGNING_METHOD}`,
    `jobId:${jobId}`,
    `signature:${signature}`,
    '',
  ].join('\n');
}

export interface SignatureFile {
  version: string;
  signingMethod: string;
  jobId: string;
  signature: string;
}

/** Parses `key:value` lines (CRLF or LF, BOM tolerated); null when a field is missing. */
export function parseSignatureFile(text: string): SignatureFile | null {
  if (text.length > 4096) return null;
  const fields = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const version = fields.get('version');
  const signingMethod = fields.get('signingMethod');
  const jobId = fields.get('jobId');
  const signature = fields.get('signature');
  if (!version || !signingMethod || !jobId || !signature) return null;
  return { version, signingMethod, jobId, signature };
}

export type SignatureVerdict = 'valid' | 'malformed' | 'wrong-job' | 'mismatch';

/**
 * Checks a device's SIGNATURE file against the job it arrived for and that job's current
 * manifest. Comparison is constant-time over the decoded bytes.
 */
export function verifySignatureFile(
  secret: Buffer,
  job: { jobId: string; manifestText: string },
  fileText: string,
): SignatureVerdict {
  const file = parseSignatureFile(fileText);
  if (!file || file.version !== SIGNATURE_VERSION || file.signingMethod !== SIGNING_METHOD)
    return 'malformed';
  if (file.jobId.toUpperCase() !== job.jobId) return 'wrong-job';
  const expected = Buffer.from(computeSignature(secret, job.jobId, job.manifestText), 'base64');
  const given = Buffer.from(file.signature, 'base64');
  if (given.length !== expected.length) return 'mismatch';
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
