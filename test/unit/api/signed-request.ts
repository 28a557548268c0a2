import type { SignedRequest } from '../../../src/api/query/auth/request.js';
import { Params } from '../../../src/api/query/params.js';

/** A request given as method, URL, headers and body, as the verifier sees it after fastify. */
export function toSignedRequest(request: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}): SignedRequest {
  const url = new URL(request.url);
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const rawBody = Buffer.from(request.body, 'utf8');
  const headers = { host: url.host, ...request.headers };
  if (Object.keys(headers).some((name) => name !== 'host' && name.toLowerCase() === 'host'))
    delete (headers as Record<string, string>).host;
  return {
    method: request.method,
    path: url.pathname,
    query: Params.parse(query),
    body: Params.parse(rawBody.toString('latin1')),
    rawBody,
    rawHeaders: Object.entries(headers).flat(),
  };
}
