import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../src/api/query/auth/authenticate.js';
import { parseIsoTime } from '../../../src/api/query/auth/clock.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { toSignedRequest } from './signed-request.js';
import { signRequest, signV4Body, type PlainRequest, type SignOptions } from './signer.js';

const CREDS = { key: 'LSIAUNITKEY000000001', secret: 'unit/secret+key' };
const NOW = new Date('2026-03-02T10:00:00Z');
const BASE = 'http://127.0.0.1:8080';

async function codeOf(request: PlainRequest): Promise<string> {
  try {
    const result = await authenticate(toSignedRequest(request), {
      secretOf: async (key) => (key === CREDS.key ? CREDS.secret : null),
      now: () => NOW,
    });
    return `ok:${result.caller}`;
  } catch (err) {
    if (err instanceof CatalogError) return err.code;
    throw err;
  }
}

const sign = (options: SignOptions = {}, params: [string, string][] = [['Action', 'ListJobs']]) =>
  signRequest(BASE, params, CREDS, { at: NOW, ...options });
const OK = `ok:${CREDS.key}`;

describe('SigV4 payload hash', () => {
  it('accepts x-amz-content-sha256 equal to the body hash only', async () => {
    const request = signV4Body(BASE, 'Action=ListJobs', CREDS, { at: NOW });
    expect(
      await codeOf({
        ...request,
        headers: { ...request.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
    ).toBe('SignatureDoesNotMatch');
    expect(
      await codeOf({ ...request, headers: { ...request.headers, 'x-amz-content-sha256': '0'.repeat(64) } }),
    ).toBe('SignatureDoesNotMatch');
  });

  it('reads the request time from the Date header when X-Amz-Date is absent', async () => {
    const request = signV4Body(BASE, 'Action=ListJobs', CREDS, { at: NOW });
    const { 'x-amz-date': _dropped, ...headers } = request.headers;
    const withDate: Record<string, string> = { ...headers, date: NOW.toUTCString() };
    const authorization = withDate.authorization!.replace('x-amz-date', 'date');
    // The signature now covers a `date` header instead: it no longer matches, but the time is read.
    expect(await codeOf({ ...request, headers: { ...withDate, authorization } })).toBe(
      'SignatureDoesNotMatch',
    );
    expect(await codeOf({ ...request, headers: { ...withDate, authorization, date: 'yesterday' } })).toBe(
      'IncompleteSignature',
    );
  });
});

describe('presigned SigV4', () => {
  it('refuses X-Amz-Expires over seven days and a foreign algorithm', async () => {
    const request = sign({ scheme: 'v4-query', expires: 604_801 });
    expect(await codeOf(request)).toBe('IncompleteSignature');
    const other = sign({ scheme: 'v4-query' });
    expect(await codeOf({ ...other, url: other.url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') })).toBe(
      'IncompleteSignature',
    );
  });

  it('refuses a URL used before its signing time by over 15 minutes', async () => {
    expect(
      await codeOf(sign({ scheme: 'v4-query', at: new Date(NOW.getTime() + 16 * 60_000), expires: 3600 })),
    ).toBe('RequestTimeTooSkewed');
  });
});

describe('SigV2', () => {
  it('restores a + in an unencoded Signature that the query string turned into a space', async () => {
    const request = sign({ scheme: 'v2-get' });
    const signature = decodeURIComponent(/Signature=([^&]+)/.exec(request.url)![1]!);
    expect(signature).toContain('+'); // true for these fixed credentials and time
    const url = request.url.replace(/Signature=[^&]+/, `Signature=${signature.replace(/\//g, '%2F')}`);
    expect(await codeOf({ ...request, url })).toBe(OK);
  });

  it('needs exactly one of Timestamp and Expires', async () => {
    const request = sign({ scheme: 'v2' });
    expect(await codeOf({ ...request, body: `${request.body}&Expires=2026-03-02T11%3A00%3A00Z` })).toBe(
      'IncompleteSignature',
    );
    expect(await codeOf({ ...request, body: request.body.replace(/Timestamp=[^&]+&?/, '') })).toBe(
      'IncompleteSignature',
    );
  });

  it('refuses two different Signatures with InvalidParameterException', async () => {
    const request = sign({ scheme: 'v2' });
    expect(await codeOf({ ...request, body: `${request.body}&Signature=AAAA` })).toBe(
      'InvalidParameterException',
    );
  });

  it('signs duplicate parameters sorted by value', async () => {
    const request = sign({ scheme: 'v2' }, [
      ['Action', 'GetShippingLabel'],
      ['jobIds', 'B'],
      ['jobIds', 'A'],
    ]);
    expect(await codeOf(request)).toBe(OK);
  });
});

describe('parseIsoTime', () => {
  it.each([
    ['2011-06-20T23:53:37.232Z', '2011-06-20T23:53:37.232Z'],
    ['2011-06-20T23:53:37Z', '2011-06-20T23:53:37.000Z'],
    ['2011-06-20T23:53:37', '2011-06-20T23:53:37.000Z'],
    ['2011-06-20T23:53:37+02:00', '2011-06-20T21:53:37.000Z'],
    ['2011-06-20T23:53:37-0130', '2011-06-21T01:23:37.000Z'],
  ])('%s', (text, iso) => {
    expect(parseIsoTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2011-06-20', '20110620T235337Z', ''])('refuses %s', (text) => {
    expect(parseIsoTime(text)).toBeNull();
  });
});
