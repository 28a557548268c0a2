import { withReason } from '../errors.js';

/** DECISIONS §4: requests signed more than 15 minutes away from the server's clock are refused. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/** RequestTimeTooSkewed when `signedAt` is more than 15 minutes from `now`, either way. */
export function checkSkew(signedAt: Date, now: Date): void {
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    throw withReason('RequestTimeTooSkewed', 'the request time is more than 15 minutes from the server time');
  }
}

/** RequestTimeTooSkewed once `expiresAt` has passed (SigV2 Expires, a presigned URL's end). */
export function checkNotExpired(expiresAt: Date, now: Date): void {
  if (now.getTime() > expiresAt.getTime()) {
    throw withReason('RequestTimeTooSkewed', 'the request has expired');
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO-8601 time as SigV2 sends it (`2011-06-20T23:53:37.232Z`); no zone means UTC. Null when malformed. */
export function parseIsoTime(text: string): Date | null {
  const trimmed = text.trim();
  const match = ISO.exec(trimmed);
  if (!match) return null;
  const zone = (match[8] ?? 'Z').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(`${trimmed.slice(0, trimmed.length - (match[8]?.length ?? 0))}${zone}`);
  return Number.isNaN(time) ? null : new Date(time);
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** SigV4's `X-Amz-Date` (`20260302T100000Z`). Null when malformed. */
export function parseAmzDate(text: string): Date | null {
  const match = AMZ_DATE.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const time = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(time) ? null : new Date(time);
}

/** A Date as SigV4's `X-Amz-Date` text. */
export function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
