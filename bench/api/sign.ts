import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PresignedRequest } from './types.js';

export const API_VERSION = '2010-06-01';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** RFC 3986 form encoding, as botocore sends query-API bodies. */
export function formEncode(params: readonly (readonly [string, string])[]): string {
  const encode = (text: string): string =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return params.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

/** Signs query-API calls with SigV4 (service importexport), the way the SDK's signer does for the CLI. */
export class QuerySigner {
  readonly #signer: SignatureV4;
  readonly #endpoint: URL;

  constructor(endpoint: string, credentials: Credentials, region = 'us-east-1') {
    this.#endpoint = new URL(endpoint);
    this.#signer = new SignatureV4({ service: 'importexport', region, credentials, sha256: Sha256 });
  }

  /** One POST `/` of `operation` with `params`, signed as at `signingDate`; Host included. */
  async sign(
    operation: string,
    params: readonly (readonly [string, string])[],
    signingDate: Date,
  ): Promise<PresignedRequest> {
    const body = formEncode([['Action', operation], ['Version', API_VERSION], ...params]);
    const url = this.#endpoint;
    const signed = await this.#signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': CONTENT_TYPE },
        body,
      }),
      { signingDate },
    );
    return { method: 'POST', path: '/', headers: { ...signed.headers }, body };
  }

  /** `count` signed calls of `operation`, parameters from `paramsOf(i)`, signing times spread over the last `count` seconds. */
  async pool(
    operation: string,
    count: number,
    paramsOf: (i: number) => readonly (readonly [string, string])[],
  ): Promise<PresignedRequest[]> {
    const now = Date.now();
    const out: PresignedRequest[] = [];
    for (let i = 0; i < count; i++) {
      out.push(await this.sign(operation, paramsOf(i), new Date(now - (i % 60) * 1000)));
    }
    return out;
  }
}
