import type { CatalogError } from '../../catalog/index.js';
import type { ErrorResponse } from './wire.js';

/** What a parameter error may carry in `details`: the parameter, the value given, why it is refused. */
interface ParameterDetails {
  parameter?: unknown;
  value?: unknown;
  reason?: unknown;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.$/, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/**
 * The error's message followed by its details, e.g. `The parameter --email has a value that is not
 * allowed. Given: "x". Must be an e-mail address like name@example.com.` A parameter the message
 * does not already name (no `{parameter}` placeholder filled) is added too.
 */
export function messageWithDetails(err: CatalogError): string {
  const details = (err.details ?? {}) as ParameterDetails;
  const parts = [err.message];
  if (isScalar(details.parameter) && err.params.parameter === undefined)
    parts.push(`Parameter: ${details.parameter}.`);
  if (isScalar(details.value)) parts.push(`Given: ${JSON.stringify(String(details.value))}.`);
  if (isScalar(details.reason)) parts.push(sentence(String(details.reason)));
  return parts.join(' ');
}

/** The JSON error shape shared by the admin API and the CLI's --json mode. */
export function errorJson(err: CatalogError): ErrorResponse {
  return { error: { code: err.code, message: messageWithDetails(err), action: err.entry.action } };
}
