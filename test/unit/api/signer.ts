import { createHash, createHmac } from 'node:crypto';

/**
 * An AWS request signer for the tests, written from the AWS documentation independently of
 * src/api/query/auth (the code under test never signs, and this file never imports it).
 */

export interface Credentials {
  key: string;
  secret: string;
}

export type Scheme = 'v4' | 'v4-query' | 'v2' | 'v2-sha1' | 'v2-get' | 'v2-expires' | 'none';

export interface SignOptions {
  scheme?: Scheme;
  /** The time the client believes it is. */
  at?: Date;
  region?: string;
  service?: string;
  /** SigV4 presigned lifetime in seconds. */
  expires?: number;
}

/** A request ready for fetch (or for the verifier in unit tests). */
export interface PlainRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type ParamList = readonly (readonly [string, string])[];

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** RFC 3986 percent-encoding of every UTF-8 byte outside the unreserved set, upper-case hex. */
export function awsEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const hmac = (key: Buffer | string, data: string, alg = 'sha256') =>
  createHmac(alg, key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

function canonicalQuery(params: ParamList): string {
  const encoded = params.map(([k, v]) => [awsEncode(k), awsEncode(v)] as const);
  encoded.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[:-]/g, '');
}

function v4Signature(creds: Credentials, scope: string, stamp: string, canonicalRequest: string): string {
  const [date, region, service] = scope.split('/') as [string, string, string];
  let key = hmac(`AWS4${creds.secret}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256(canonicalRequest)].join('\n');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** A form body in the given order (duplicates kept), RFC 3986 encoded. */
export function formBody(params: ParamList): string {
  return params.map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`).join('&');
}

function signV4Header(base: URL, body: string, creds: Credentials, o: Required<SignOptions>): PlainRequest {
  const stamp = amzDate(o.at);
  const scope = `${stamp.slice(0, 8)}/${o.region}/${o.service}/aws4_request`;
  const headers = { 'content-type': FORM, host: base.host, 'x-amz-date': stamp };
  const canonicalHeaders = Object.entries(headers)
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
  const signed = Object.keys(headers).join(';');
  const request = ['POST', '/', '', canonicalHeaders, signed, sha256(body)].join('\n');
  const signature = v4Signature(creds, scope, stamp, request);
  const authorization = `AWS4-HMAC-SHA256 Credential=${creds.key}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
  return { method: 'POST', url: `${base.origin}/`, headers: { ...headers, authorization }, body };
}

function signV4Query(
  base: URL,
  params: ParamList,
  creds: Credentials,
  o: Required<SignOptions>,
): PlainRequest {
  const stamp = amzDate(o.at);
  const scope = `${stamp.slice(0, 8)}/${o.region}/${o.service}/aws4_request`;
  const all: ParamList = [
    ...params,
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${creds.key}/${scope}`],
    ['X-Amz-Date', stamp],
    ['X-Amz-Expires', String(o.expires)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const query = canonicalQuery(all);
  const request = ['GET', '/', query, `host:${base.host}\n`, 'host', sha256('')].join('\n');
  const signature = v4Signature(creds, scope, stamp, request);
  return {
    method: 'GET',
    url: `${base.origin}/?${query}&X-Amz-Signature=${signature}`,
    headers: {},
    body: '',
  };
}

function signV2(base: URL, params: ParamList, creds: Credentials, o: Required<SignOptions>): PlainRequest {
  const sha1 = o.scheme === 'v2-sha1';
  const time: [string, string] =
    o.scheme === 'v2-expires'
      ? ['Expires', new Date(o.at.getTime() + o.expires * 1000).toISOString()]
      : ['Timestamp', o.at.toISOString()];
  const all: ParamList = [
    ...params,
    ['AWSAccessKeyId', creds.key],
    ['SignatureVersion', '2'],
    ['SignatureMethod', sha1 ? 'HmacSHA1' : 'HmacSHA256'],
    time,
  ];
  const method = o.scheme === 'v2-get' ? 'GET' : 'POST';
  const toSign = [method, base.host.toLowerCase(), '/', canonicalQuery(all)].join('\n');
  const signature = hmac(creds.secret, toSign, sha1 ? 'sha1' : 'sha256').toString('base64');
  // Sent as browsers and Python's urlencode send forms: spaces as '+', '*' kept, '~' escaped.
  const form = new URLSearchParams(
    [...all, ['Signature', signature]].map(([k, v]): [string, string] => [k!, v!]),
  ).toString();
  if (method === 'GET') return { method, url: `${base.origin}/?${form}`, headers: {}, body: '' };
  return { method, url: `${base.origin}/`, headers: { 'content-type': FORM }, body: form };
}

function withDefaults(options: SignOptions): Required<SignOptions> {
  return {
    scheme: options.scheme ?? 'v4',
    at: options.at ?? new Date(),
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'IngestionService',
    expires: options.expires ?? 300,
  };
}

/** A POST with exactly this body (any bytes the caller wants to test), signed with SigV4. */
export function signV4Body(
  baseUrl: string,
  body: string,
  creds: Credentials,
  options: SignOptions = {},
): PlainRequest {
  return signV4Header(new URL(baseUrl), body, creds, withDefaults(options));
}

/** Signs `params` for the endpoint `baseUrl` (default: SigV4 header, IngestionService, us-east-1, now). */
export function signRequest(
  baseUrl: string,
  params: ParamList,
  creds: Credentials,
  options: SignOptions = {},
): PlainRequest {
  const o = withDefaults(options);
  const base = new URL(baseUrl);
  if (o.scheme === 'v4') return signV4Header(base, formBody(params), creds, o);
  if (o.scheme === 'v4-query') return signV4Query(base, params, creds, o);
  if (o.scheme === 'none') {
    return {
      method: 'POST',
      url: `${base.origin}/`,
      headers: { 'content-type': FORM },
      body: formBody(params),
    };
  }
  return signV2(base, params, creds, o);
}
