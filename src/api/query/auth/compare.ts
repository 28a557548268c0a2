import { timingSafeEqual } from 'node:crypto';

/**
 * True when the decoded signature bytes are equal. The lengths are compared first (a length is
 * no secret: every valid signature of a method has the same one), then the bytes in constant time.
 */
export function signaturesMatch(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Decodes a base64 signature (SigV2); a `+` turned into a space by a sloppy query string is restored. Null when not base64. */
export function decodeBase64Signature(text: string): Buffer | null {
  const restored = text.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(restored) || restored.length % 4 !== 0) return null;
  return Buffer.from(restored, 'base64');
}

/** Decodes a hex signature (SigV4: 64 hex digits). Null when it is not one. */
export function decodeHexSignature(text: string): Buffer | null {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
}
