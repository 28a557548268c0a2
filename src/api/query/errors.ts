import type { FastifyError } from 'fastify';
import { CatalogError, toCatalogError, type CodeName } from '../../catalog/index.js';

/** What the query API's errors may carry in `details` (manifest errors carry located issues). */
interface QueryErrorDetails {
  parameter?: unknown;
  reason?: unknown;
  issues?: unknown;
}

interface LocatedIssue {
  line: number;
  column: number;
  message: string;
}

const MAX_ISSUES_IN_MESSAGE = 5;

const MAX_NAME_IN_MESSAGE = 64;

function shortName(name: string): string {
  return name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}...` : name;
}

/** InvalidParameterException naming the parameter, with why it was refused. */
export function invalidParam(parameter: string, reason: string): CatalogError {
  const name = shortName(parameter);
  return new CatalogError('InvalidParameterException', { parameter: name }, { parameter: name, reason });
}

/** MissingParameterException naming the parameter. */
export function missingParam(parameter: string): CatalogError {
  return new CatalogError('MissingParameterException', { parameter }, { parameter });
}

/** A catalog error (IncompleteSignature, InvalidAction, ...) with the reason its message adds. */
export function withReason(code: CodeName, reason?: string): CatalogError {
  return new CatalogError(code, {}, reason === undefined ? undefined : { reason });
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.$/, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

function isLocatedIssue(value: unknown): value is LocatedIssue {
  const issue = value as Partial<LocatedIssue> | null;
  return (
    typeof issue?.line === 'number' && typeof issue.column === 'number' && typeof issue.message === 'string'
  );
}

/** `Line 3, column 5: <message>.` for the first few manifest issues. */
function issueSentences(issues: unknown): string[] {
  if (!Array.isArray(issues)) return [];
  const located = issues.filter(isLocatedIssue);
  const shown = located
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map((i) => sentence(`Line ${i.line}, column ${i.column}: ${i.message}`));
  const more = located.length - shown.length;
  return more > 0 ? [...shown, `(${more} more.)`] : shown;
}

/** The catalog message, plus the parameter (when the message does not name it), the reason and manifest issues. */
export function errorMessage(err: CatalogError): string {
  const details = (err.details ?? {}) as QueryErrorDetails;
  const parts = [err.message];
  if (typeof details.parameter === 'string' && err.params.parameter === undefined)
    parts.push(`Parameter: ${details.parameter}.`);
  if (typeof details.reason === 'string') parts.push(sentence(details.reason));
  parts.push(...issueSentences(details.issues));
  return parts.join(' ');
}

const FASTIFY_REASONS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is larger than this API accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the body must be application/x-www-form-urlencoded',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the body length does not match Content-Length',
};

/**
 * Maps anything a request can throw to a CatalogError: catalog errors as they are, fastify's request
 * errors (oversized body, wrong media type, bad length) to InvalidParameterException on `body`,
 * anything else to InternalError.
 */
export function toQueryError(err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  const fastifyError = err as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  const code = fastifyError.code;
  if (typeof code === 'string' && code.startsWith('FST_') && status >= 400 && status < 500) {
    return invalidParam('body', FASTIFY_REASONS[code] ?? 'the request could not be read');
  }
  return toCatalogError(err);
}
