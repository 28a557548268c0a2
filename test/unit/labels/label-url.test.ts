import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkLabelLink,
  deriveLabelUrlKey,
  expiresAt,
  isLabelId,
  labelSignature,
  newLabelId,
  parseLinkQuery,
  signedLabelUrl,
} from '../../../src/api/labels/label-url.js';

const signingKey = Buffer.alloc(32, 7);
const urlKey = deriveLabelUrlKey(signingKey);
const NOW = new Date('2026-03-02T10:00:00Z');
const link = {
  labelId: 'AAAAAAAAAAAAAAAAAAAAAA',
  owner: 'LSIA0000000000000001',
  expires: expiresAt(NOW, 600),
};

function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

describe('signed label URLs', () => {
  it('derive their own key from the signing key, HMAC(signingKey, "shipping-label-url")', () => {
    expect(urlKey).toEqual(createHmac('sha256', signingKey).update('shipping-label-url').digest());
    expect(urlKey.equals(signingKey)).toBe(false);
    expect(deriveLabelUrlKey(Buffer.alloc(32, 8)).equals(urlKey)).toBe(false);
  });

  it('have the documented shape and signature', () => {
    const url = signedLabelUrl('https://host.example/base//', urlKey, link);
    const expected = createHmac('sha256', urlKey)
      .update(`${link.labelId}\n${link.owner}\n${link.expires}`)
      .digest('base64url');
    expect(url).toBe(
      `https://host.example/base/labels/${link.labelId}.pdf?Expires=${link.expires}&Signature=${expected}`,
    );
    expect(link.expires).toBe(Math.floor(NOW.getTime() / 1000) + 600);
    expect(parseLinkQuery(query(url))).toEqual({ expires: link.expires, signature: expected });
  });

  it('verify: valid until the second they name, refused after it', () => {
    const signature = labelSignature(urlKey, link);
    expect(checkLabelLink(urlKey, link, signature, NOW)).toBe('ok');
    expect(checkLabelLink(urlKey, link, signature, new Date(link.expires * 1000 + 999))).toBe('ok');
    expect(checkLabelLink(urlKey, link, signature, new Date((link.expires + 1) * 1000))).toBe('expired');
  });

  it('refuse a tampered label ID, owner or expiry, another key, and a mangled signature', () => {
    const signature = labelSignature(urlKey, link);
    const tampered = [
      { ...link, labelId: 'BAAAAAAAAAAAAAAAAAAAAA' },
      { ...link, owner: 'LSIA0000000000000002' },
      { ...link, expires: link.expires + 86_400 },
    ];
    for (const other of tampered) expect(checkLabelLink(urlKey, other, signature, NOW)).toBe('bad-signature');
    expect(checkLabelLink(deriveLabelUrlKey(randomBytes(32)), link, signature, NOW)).toBe('bad-signature');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(checkLabelLink(urlKey, link, flipped, NOW)).toBe('bad-signature');
    expect(checkLabelLink(urlKey, link, signature.slice(1), NOW)).toBe('bad-signature');
    expect(checkLabelLink(urlKey, link, '', NOW)).toBe('bad-signature');
  });

  it('parse only one well-formed Expires and Signature', () => {
    const signature = labelSignature(urlKey, link);
    expect(parseLinkQuery({ Expires: '1', Signature: signature })).toEqual({ expires: 1, signature });
    expect(parseLinkQuery({})).toBeNull();
    expect(parseLinkQuery(null)).toBeNull();
    expect(parseLinkQuery({ Expires: '-1', Signature: signature })).toBeNull();
    expect(parseLinkQuery({ Expires: '1e9', Signature: signature })).toBeNull();
    expect(parseLinkQuery({ Expires: ['1', '2'], Signature: signature })).toBeNull();
    expect(parseLinkQuery({ Expires: '1', Signature: `${signature}=` })).toBeNull();
    expect(parseLinkQuery({ Expires: '1', Signature: signature.replace(/./, '+') })).toBeNull();
  });

  it('use random, unguessable label IDs of 16 bytes', () => {
    const ids = new Set(Array.from({ length: 200 }, newLabelId));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(isLabelId(id)).toBe(true);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(isLabelId('short')).toBe(false);
    expect(isLabelId('A'.repeat(21) + '/')).toBe(false);
  });
});
