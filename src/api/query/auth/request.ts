import type { Params } from '../params.js';

/** What the signature checks read from one HTTP request. */
export interface SignedRequest {
  method: string;
  /** The path as sent, without the query string (`/`). */
  path: string;
  query: Params;
  /** The parsed form body (empty for GET). */
  body: Params;
  /** The body bytes exactly as received (SigV4 hashes them). */
  rawBody: Buffer;
  /** Node's `rawHeaders`: name, value, name, value, ... as received. */
  rawHeaders: readonly string[];
}

/** Every value of a header, in the order received (names compared case-insensitively). */
export function headerValues(request: SignedRequest, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() === wanted) values.push(request.rawHeaders[i + 1]!);
  }
  return values;
}

/** The first value of a header, or undefined. */
export function header(request: SignedRequest, name: string): string | undefined {
  return headerValues(request, name)[0];
}
