import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { authenticate } from '../../../src/api/query/auth/authenticate.js';
import type { SignedRequest } from '../../../src/api/query/auth/request.js';
import { toSignedRequest } from './signed-request.js';

/** One request signed by Debian's botocore (test/fixtures/api/make-sig-vectors.py). */
interface Vector {
  name: string;
  scheme: 'sigv2' | 'sigv4-header' | 'sigv4-query';
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  expectedSignature: string;
}

const fixture = JSON.parse(readFileSync('test/fixtures/api/sig-vectors.json', 'utf8')) as {
  accessKeyId: string;
  secretAccessKey: string;
  now: string;
  vectors: Vector[];
};

function toRequest(vector: Vector, changes: Partial<Vector> = {}): SignedRequest {
  return toSignedRequest({ ...vector, ...changes });
}

function verify(request: SignedRequest, secret = fixture.secretAccessKey, now = fixture.now) {
  return authenticate(request, {
    secretOf: async (key) => (key === fixture.accessKeyId ? secret : null),
    now: () => new Date(now),
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (err) {
    if (err instanceof CatalogError) return err.code;
    throw err;
  }
}

/** The next character in the same class, so the text stays validly encoded. */
function bump(c: string): string {
  if (c === 'z') return 'a';
  if (c === 'Z') return 'A';
  if (c === '9') return '0';
  return String.fromCharCode(c.charCodeAt(0) + 1);
}

/** `text` with the first alphanumeric character after the first `=` changed. */
function changeOneByte(text: string): string {
  const at = text.slice(text.indexOf('=') + 1).search(/[A-Za-z0-9]/) + text.indexOf('=') + 1;
  return text.slice(0, at) + bump(text[at]!) + text.slice(at + 1);
}

describe.each(fixture.vectors)('botocore vector: $name', (vector) => {
  it('is accepted for the right key', async () => {
    const result = await verify(toRequest(vector));
    expect(result.caller).toBe(fixture.accessKeyId);
  });

  it('is refused when one byte of the signed parameters changes', async () => {
    const changed =
      vector.body !== ''
        ? { body: changeOneByte(vector.body) }
        : { url: vector.url.replace(/\?.*/, (q) => changeOneByte(q)) };
    expect(await codeOf(verify(toRequest(vector, changed)))).toBe('SignatureDoesNotMatch');
  });

  it('is refused when one character of the signature changes', async () => {
    const sig = vector.expectedSignature;
    const wrong = `${bump(sig[0]!)}${sig.slice(1)}`;
    const replace = (text: string) =>
      text.replace(sig, wrong).replace(encodeURIComponent(sig), encodeURIComponent(wrong));
    const headers = { ...vector.headers };
    if (headers.Authorization) headers.Authorization = replace(headers.Authorization);
    const request = toRequest(vector, { headers, url: replace(vector.url), body: replace(vector.body) });
    expect(await codeOf(verify(request))).toBe('SignatureDoesNotMatch');
  });

  it('is refused with another secret or another host', async () => {
    expect(await codeOf(verify(toRequest(vector), `${fixture.secretAccessKey}x`))).toBe(
      'SignatureDoesNotMatch',
    );
    const headers = { ...vector.headers, Host: 'evil.example.com' };
    expect(await codeOf(verify(toRequest(vector, { headers })))).toBe('SignatureDoesNotMatch');
  });

  it('is refused 16 minutes later (RequestTimeTooSkewed)', async () => {
    const late = new Date(Date.parse(fixture.now) + 16 * 60_000).toISOString();
    // Presigned vectors expire after 5 and 15 minutes, so they are refused as well.
    expect(await codeOf(verify(toRequest(vector), fixture.secretAccessKey, late))).toBe(
      'RequestTimeTooSkewed',
    );
  });
});
