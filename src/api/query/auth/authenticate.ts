import { CatalogError } from '../../../catalog/index.js';
import type { Params } from '../params.js';
import { header, type SignedRequest } from './request.js';
import { checkSigV2Time, parseSigV2, verifySigV2 } from './sigv2.js';
import { parseAuthorizationHeader, parsePresignedQuery } from './sigv4-parse.js';
import { checkSigV4Scope, verifySigV4 } from './sigv4.js';

export interface AuthDeps {
  /** The secret of an access key, or null for an unknown key. */
  secretOf(accessKeyId: string): Promise<string | null>;
  now(): Date;
}

export interface Authenticated {
  /** The caller's access key ID. */
  caller: string;
  /** The parameters the signature covers: these, and only these, are the operation's input. */
  params: Params;
}

const SIGV2_MARKERS = ['Signature', 'AWSAccessKeyId'];
const PRESIGNED_MARKERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];

async function secretFor(deps: AuthDeps, accessKeyId: string): Promise<string> {
  const secret = await deps.secretOf(accessKeyId);
  if (secret === null) throw new CatalogError('InvalidClientTokenId');
  return secret;
}

const mismatch = () => new CatalogError('SignatureDoesNotMatch');

async function sigV4(request: SignedRequest, deps: AuthDeps, presigned: boolean): Promise<Authenticated> {
  const authorization = header(request, 'authorization') ?? '';
  const parts = presigned
    ? parsePresignedQuery(request.query)
    : parseAuthorizationHeader(request, authorization);
  const secret = await secretFor(deps, parts.accessKeyId);
  checkSigV4Scope(parts, deps.now());
  if (!verifySigV4(request, parts, secret)) throw mismatch();
  return { caller: parts.accessKeyId, params: request.body.concat(request.query) };
}

async function sigV2(request: SignedRequest, deps: AuthDeps, params: Params): Promise<Authenticated> {
  const parts = parseSigV2(params);
  const secret = await secretFor(deps, parts.accessKeyId);
  checkSigV2Time(parts, deps.now());
  const host = header(request, 'host') ?? '';
  if (!verifySigV2({ method: request.method, host, path: request.path }, params, parts, secret))
    throw mismatch();
  return { caller: parts.accessKeyId, params };
}

/**
 * Authenticates a query-API request: SigV4 in the Authorization header or a presigned query, or SigV2
 * in the form body or the query string. Returns the caller and the signed parameters.
 * Codes: MissingAuthenticationToken (no credentials), IncompleteSignature (malformed),
 * InvalidClientTokenId (unknown key), RequestTimeTooSkewed (clock or expiry), SignatureDoesNotMatch.
 */
export async function authenticate(request: SignedRequest, deps: AuthDeps): Promise<Authenticated> {
  if (header(request, 'authorization') !== undefined) return sigV4(request, deps, false);
  if (PRESIGNED_MARKERS.some((name) => request.query.has(name))) return sigV4(request, deps, true);
  if (SIGV2_MARKERS.some((name) => request.body.has(name))) return sigV2(request, deps, request.body);
  if (SIGV2_MARKERS.some((name) => request.query.has(name))) return sigV2(request, deps, request.query);
  throw new CatalogError('MissingAuthenticationToken');
}
