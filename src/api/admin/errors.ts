import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CatalogError, toCatalogError } from '../../catalog/index.js';
import { errorJson } from './error-json.js';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
}

// Keywords meaning "something required is absent" rather than "a value is wrong".
const MISSING_KEYWORDS = new Set(['required', 'minItems']);

/** `/emails/0` -> `emails[0]`; an empty path names the whole body (or params). */
function parameterPath(context: string, instancePath: string, missing?: unknown): string {
  const parts = instancePath.split('/').filter((part) => part !== '');
  if (typeof missing === 'string') parts.push(missing);
  if (parts.length === 0) return context;
  return parts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** A fastify schema-validation error as MissingParameterException or InvalidParameterException. */
function fromValidation(error: FastifyError): CatalogError {
  const issue = (error.validation?.[0] ?? { keyword: '', instancePath: '', params: {} }) as ValidationIssue;
  const context = error.validationContext ?? 'body';
  const parameter = parameterPath(context, issue.instancePath, issue.params.missingProperty);
  const code = MISSING_KEYWORDS.has(issue.keyword)
    ? 'MissingParameterException'
    : 'InvalidParameterException';
  const additional = issue.keyword === 'not' && (issue.schemaPath ?? '').includes('additionalProperties');
  // "must have required property 'x'" only repeats the message; other Ajv messages add the rule.
  const reason = additional
    ? 'this request has no such parameter'
    : issue.keyword === 'required'
      ? undefined
      : issue.message;
  return new CatalogError(code, { parameter }, { parameter, reason });
}

/**
 * Maps anything a route or fastify throws to a CatalogError: catalog errors as they are, fastify's
 * request errors (validation, unparsable or oversized bodies, wrong media type) to the parameter
 * codes, anything else to InternalError.
 */
export function toAdminError(err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.validation) return fromValidation(fastifyError as FastifyError);
  const status = fastifyError.statusCode ?? 500;
  const code = fastifyError.code;
  if (typeof code === 'string' && code.startsWith('FST_') && status >= 400 && status < 500) {
    const missing = code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    const params = { parameter: 'body' };
    const details = { parameter: 'body', reason: fastifyError.message };
    return new CatalogError(
      missing ? 'MissingParameterException' : 'InvalidParameterException',
      params,
      details,
    );
  }
  return toCatalogError(err);
}

/** Sends a CatalogError as `{"error":{code,message,action}}` with the entry's HTTP status. */
export function sendError(reply: FastifyReply, err: CatalogError): FastifyReply {
  if (err.code === 'InvalidAdminToken') reply.header('www-authenticate', 'Bearer realm="longshore-admin"');
  return reply
    .code(err.entry.http ?? 500)
    .type('application/json; charset=utf-8')
    .send(errorJson(err));
}

/** The admin API's one error handler; `logError` receives every InternalError's cause. */
export function adminErrorHandler(logError: (err: unknown) => void) {
  return (err: unknown, _request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const catalogError = toAdminError(err);
    if (catalogError.code === 'InternalError') logError(err);
    return sendError(reply, catalogError);
  };
}
