import { invalidParameter, missingParameter } from '../catalog/index.js';

// A pragmatic address check: one @, a dotted domain, no spaces or angle brackets.
const EMAIL_PATTERN =
  /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && EMAIL_PATTERN.test(text);
}

/** Lower-cases and checks addresses; InvalidParameterException names the bad one. */
export function normaliseEmails(emails: readonly string[]): string[] {
  if (emails.length === 0) {
    throw missingParameter('emails');
  }
  const out = new Set<string>();
  for (const raw of emails) {
    const email = raw.trim().toLowerCase();
    if (!isEmailAddress(email)) {
      throw invalidParameter('emails', raw);
    }
    out.add(email);
  }
  return [...out];
}

/**
 * S3 bucket naming rules (3-63 characters; lower-case letters, digits, dots and hyphens;
 * starts and ends with a letter or digit; no `..`; not an IP address).
 */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  return !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}
