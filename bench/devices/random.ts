/**
 * Seeded randomness for the bench trees: a small integer generator for sizes, and AES-128-CTR
 * over zeros for file contents (a keystream is as fast as memcpy and the same for the same seed).
 */
import { createCipheriv, createHash } from 'node:crypto';

/** A seeded generator of floats in [0, 1) (splitmix32); the same seed gives the same sequence. */
export function seededFloats(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/**
 * A size between 0 and `max` bytes, log-uniform over 1..max+1 (then minus one, so empty files
 * occur as often as 1-byte ones): most files are small, a few are near `max`.
 */
export function logUniformSize(random: () => number, max: number): number {
  return Math.min(max, Math.floor(Math.exp(random() * Math.log(max + 1))) - 1);
}

/**
 * The pseudo-random content stream named by `seed` and `name`: successive calls to `next(n)`
 * return the next n bytes of it. Never throws.
 */
export function contentStream(seed: number, name: string): { next(length: number): Buffer } {
  const key = createHash('sha256').update(`${seed}:${name}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return { next: (length) => cipher.update(Buffer.alloc(length)) };
}
