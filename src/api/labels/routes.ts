import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toCatalogError } from '../../catalog/index.js';
import type { Store } from '../../store/index.js';
import { renderLabelPdf } from './label-pdf.js';
import { checkLabelLink, deriveLabelUrlKey, isLabelId, LABELS_PATH, parseLinkQuery } from './label-url.js';

export interface LabelRoutesDeps {
  store: Store;
  /** The station signing key (`<data-dir>/signing.key`), the same one StoreShippingLabels gets. */
  signingKey: Buffer;
  /** The station's postal address, one line each (`--station-address`), printed as SHIP TO. */
  stationAddress: readonly string[];
  now?: () => Date;
  /** Receives the cause of every 500 (default: written to stderr). */
  logError?: (err: unknown) => void;
}

/** The JSON error body of the label routes. */
export interface LabelErrorResponse {
  error: { code: string; message: string; action: string };
}

const DENIED: LabelErrorResponse = {
  error: {
    code: 'AccessDenied',
    message: 'This shipping label link is invalid or has expired.',
    action: 'Call GetShippingLabel again for a new link; links stay valid for a limited time.',
  },
};

const NOT_FOUND: LabelErrorResponse = {
  error: {
    code: 'NoSuchKey',
    message: 'No shipping label exists at this address.',
    action:
      'Use the ShippingLabelURL exactly as GetShippingLabel returned it, or call GetShippingLabel again.',
  },
};

function logToStderr(err: unknown): void {
  console.error(`longshore label routes: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

function sendJson(reply: FastifyReply, status: number, body: LabelErrorResponse): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * `GET /labels/<labelId>.pdf?Expires=..&Signature=..`: the label PDF, to whoever holds the link
 * GetShippingLabel returned (signed for the label's owner, until it expires). A missing, malformed,
 * tampered or expired link is 403 AccessDenied; an unknown label or another file name is 404
 * NoSuchKey. Errors are `{"error":{code,message,action}}`.
 */
export async function registerLabelRoutes(app: FastifyInstance, deps: LabelRoutesDeps): Promise<void> {
  const urlKey = deriveLabelUrlKey(deps.signingKey);
  const now = deps.now ?? (() => new Date());
  const logError = deps.logError ?? logToStderr;
  await app.register(async (scope) => {
    scope.setErrorHandler((err, _request, reply) => {
      const catalogError = toCatalogError(err);
      logError(err);
      return sendJson(reply, catalogError.entry.http ?? 500, {
        error: { code: catalogError.code, message: catalogError.message, action: catalogError.entry.action },
      });
    });
    scope.get(
      `${LABELS_PATH}/:file`,
      async (request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) => {
        const match = /^(.+)\.pdf$/.exec(request.params.file);
        const labelId = match?.[1];
        if (labelId === undefined || !isLabelId(labelId)) return sendJson(reply, 404, NOT_FOUND);
        const query = parseLinkQuery(request.query);
        const at = now();
        if (query === null || Math.floor(at.getTime() / 1000) > query.expires) {
          return sendJson(reply, 403, DENIED);
        }
        const label = await deps.store.getShippingLabel(labelId);
        if (label === null) return sendJson(reply, 404, NOT_FOUND);
        const link = { labelId, owner: label.owner, expires: query.expires };
        if (checkLabelLink(urlKey, link, query.signature, at) !== 'ok') return sendJson(reply, 403, DENIED);
        const pdf = await renderLabelPdf(label, deps.stationAddress);
        return reply
          .code(200)
          .type('application/pdf')
          .header('content-disposition', `inline; filename="shipping-label-${label.jobIds.join('-')}.pdf"`)
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
      },
    );
  });
}
