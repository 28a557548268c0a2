import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../accounts/index.js';
import type { CatalogError } from '../../catalog/index.js';
import type { ShippingLabels } from '../labels/types.js';
import { authenticate } from './auth/authenticate.js';
import type { SignedRequest } from './auth/request.js';
import { dispatch } from './dispatcher.js';
import { toQueryError } from './errors.js';
import type { QueryJobs } from './operations/operation.js';
import { Params } from './params.js';
import { errorStatus, errorXml, successXml, XML_CONTENT_TYPE } from './xml.js';

/** Request bodies over this size are refused (InvalidParameterException): a 1 MiB manifest, percent-encoded. */
export const QUERY_BODY_LIMIT = 4 * 1024 * 1024;
const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface QueryApiDeps {
  jobs: QueryJobs;
  accounts: Pick<AccountsService, 'secretOf'>;
  labels: ShippingLabels;
  /** The server's clock, for signature times (default: the system clock). */
  now?: () => Date;
  /** Receives the cause of every InternalError (default: written to stderr). */
  logError?: (err: unknown) => void;
  /** A new RequestId per response (default: a random UUID). */
  requestId?: () => string;
}

function logToStderr(err: unknown): void {
  console.error(`longshore query API: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

/** The raw path (without query) and the raw query string of a request line. */
function splitUrl(url: string): { path: string; query: string } {
  const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '');
  const mark = withoutOrigin.indexOf('?');
  if (mark < 0) return { path: withoutOrigin || '/', query: '' };
  return { path: withoutOrigin.slice(0, mark) || '/', query: withoutOrigin.slice(mark + 1) };
}

/** The request as the signature checks see it: bytes as received, parameters parsed. */
export function signedRequestOf(request: FastifyRequest): SignedRequest {
  const { path, query } = splitUrl(request.url);
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return {
    method: request.method,
    path,
    query: Params.parse(query),
    body: Params.parse(rawBody.toString('latin1')),
    rawBody,
    rawHeaders: request.raw.rawHeaders,
  };
}

function sendXml(reply: FastifyReply, status: number, xml: string, requestId: string): FastifyReply {
  return reply.code(status).type(XML_CONTENT_TYPE).header('x-amzn-requestid', requestId).send(xml);
}

/**
 * Registers the AWS Import/Export 2010-06-01 query API (POST `/` with a form body, GET `/?...`) in
 * its own encapsulated scope: its own form parser (keeping the raw bytes for SigV4), SigV2/SigV4
 * authentication, the six operations, and XML errors with the catalog entry's HTTP status.
 */
export async function registerQueryApi(app: FastifyInstance, deps: QueryApiDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const newRequestId = deps.requestId ?? randomUUID;
  const logError = deps.logError ?? logToStderr;

  const sendError = (reply: FastifyReply, err: CatalogError): FastifyReply => {
    const requestId = newRequestId();
    return sendXml(reply, errorStatus(err), errorXml(err, requestId), requestId);
  };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      FORM_TYPE,
      { parseAs: 'buffer', bodyLimit: QUERY_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((err, _request, reply) => {
      const catalogError = toQueryError(err);
      if (catalogError.code === 'InternalError') logError(err);
      return sendError(reply, catalogError);
    });
    scope.route({
      method: ['GET', 'POST'],
      url: '/',
      bodyLimit: QUERY_BODY_LIMIT,
      handler: async (request, reply) => {
        const signed = signedRequestOf(request);
        const { caller, params } = await authenticate(signed, {
          secretOf: (key) => deps.accounts.secretOf(key),
          now,
        });
        const baseUrl = `${request.protocol}://${request.headers.host ?? request.hostname}`;
        const { name, result } = await dispatch({
          caller,
          params,
          jobs: deps.jobs,
          labels: deps.labels,
          baseUrl,
        });
        const requestId = newRequestId();
        return sendXml(reply, 200, successXml(name, result, requestId), requestId);
      },
    });
  });
}
