import { createHash, timingSafeEqual } from 'node:crypto';

/** The secret access key of an account, or null when there is no such account. */
export type SecretLookup = (accessKeyId: string) => Promise<string | null>;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A stand-in secret compared against when the key is unknown, so both cases take the same time. */
const NO_SECRET = digest('longshore: no such access key');

/**
 * SMTP AUTH (PLAIN or LOGIN) with an account's access key ID as the user name and its secret access
 * key as the password: the access key ID when they match, null otherwise. The secrets are compared
 * as SHA-256 digests in constant time, so neither their content nor their length shows in the timing.
 */
export async function checkSmtpCredentials(
  lookup: SecretLookup,
  username: string,
  password: string,
): Promise<string | null> {
  const accessKeyId = username.trim();
  const secret = accessKeyId === '' ? null : await lookup(accessKeyId);
  const expected = secret === null ? NO_SECRET : digest(secret);
  const matches = timingSafeEqual(expected, digest(password));
  return matches && secret !== null ? accessKeyId : null;
}
