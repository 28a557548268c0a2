import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring shipping-label URLs:
 * `<baseUrl>/labels/<labelId>.pdf?Expires=<unix seconds>&Signature=<base64url HMAC-SHA256>`, the HMAC
 * taken over `labelId + "\n" + owner + "\n" + expires` with a key derived from the station signing
 * key, so the SIGNATURE files and the label links never share a key.
 */

/** The path under which labels are served. */
export const LABELS_PATH = '/labels';

/** Default lifetime of a label link: 7 days (`--label-url-ttl`). */
export const DEFAULT_LABEL_URL_TTL_SECONDS = 604_800;

const KEY_CONTEXT = 'shipping-label-url';
const LABEL_ID_BYTES = 16;
/** 16 random bytes in base64url: 22 characters. */
const LABEL_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** 32 bytes of HMAC-SHA256 in base64url, without padding: 43 characters. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const EXPIRES_PATTERN = /^[0-9]{1,12}$/;

/** The label-URL key: HMAC-SHA256(signingKey, "shipping-label-url"). */
export function deriveLabelUrlKey(signingKey: Buffer): Buffer {
  return createHmac('sha256', signingKey).update(KEY_CONTEXT).digest();
}

/** A new random, unguessable label ID (16 bytes, base64url). */
export function newLabelId(): string {
  return randomBytes(LABEL_ID_BYTES).toString('base64url');
}

/** True when `text` has the shape of a label ID. */
export function isLabelId(text: string): boolean {
  return LABEL_ID_PATTERN.test(text);
}

/** What a link grants: one label, to its owner, until `expires` (unix seconds). */
export interface LabelLink {
  labelId: string;
  owner: string;
  expires: number;
}

/** base64url HMAC-SHA256(urlKey, labelId + "\n" + owner + "\n" + expires). */
export function labelSignature(urlKey: Buffer, link: LabelLink): string {
  return createHmac('sha256', urlKey)
    .update(`${link.labelId}\n${link.owner}\n${link.expires}`)
    .digest('base64url');
}

/** The signed URL of a label; `baseUrl` may end with slashes. */
export function signedLabelUrl(baseUrl: string, urlKey: Buffer, link: LabelLink): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = `Expires=${link.expires}&Signature=${labelSignature(urlKey, link)}`;
  return `${base}${LABELS_PATH}/${encodeURIComponent(link.labelId)}.pdf?${query}`;
}

/** The expiry time of a link issued at `now` that lives `ttlSeconds`. */
export function expiresAt(now: Date, ttlSeconds: number): number {
  return Math.floor(now.getTime() / 1000) + ttlSeconds;
}

/** The `Expires` and `Signature` query parameters, or null when either is absent, repeated or malformed. */
export function parseLinkQuery(query: unknown): { expires: number; signature: string } | null {
  if (typeof query !== 'object' || query === null) return null;
  const { Expires: expires, Signature: signature } = query as Record<string, unknown>;
  if (typeof expires !== 'string' || !EXPIRES_PATTERN.test(expires)) return null;
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return null;
  return { expires: Number(expires), signature };
}

export type LinkCheck = 'ok' | 'expired' | 'bad-signature';

/**
 * Checks a link's signature (in constant time) and its expiry. A link is still valid during the
 * second it names, and invalid after it.
 */
export function checkLabelLink(urlKey: Buffer, link: LabelLink, signature: string, now: Date): LinkCheck {
  const expected = Buffer.from(labelSignature(urlKey, link));
  const given = Buffer.from(signature);
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  if (!same) return 'bad-signature';
  return Math.floor(now.getTime() / 1000) > link.expires ? 'expired' : 'ok';
}
