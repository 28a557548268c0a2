import { randomBytes } from 'node:crypto';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Access key IDs look like AWS's: `LSIA` + 16 upper-case base-32 characters (20 in all). */
export const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{20}$/;

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export function generateAccessKeyId(): string {
  return 'LSIA' + randomString(KEY_ID_ALPHABET, 16);
}

/** 40 characters, 240 bits of entropy, like an AWS secret access key. */
export function generateSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

export function isAccessKeyId(text: string): boolean {
  return ACCESS_KEY_ID_PATTERN.test(text);
}
