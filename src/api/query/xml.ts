import type { CatalogError } from '../../catalog/index.js';
import { errorMessage } from './errors.js';

/** The 2010-06-01 model's XML namespace (DECISIONS §4). */
export const XMLNS = 'http://importexport.amazonaws.com/doc/2010-06-01/';
export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
// Everything outside XML 1.0's Char production (control characters, lone surrogates, U+FFFE/U+FFFF).
const ILLEGAL = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be read back as LF by every XML parser; the reference keeps it.
  '\r': '&#xD;',
};

/** Text safe inside an element: markup characters escaped, characters illegal in XML 1.0 dropped. */
export function escapeXml(text: string): string {
  return text.replace(ILLEGAL, '').replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

/** A timestamp as the model writes it: `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type XmlValue = string | number | boolean | Date | null | undefined;

/** `<name>value</name>`; nothing at all for null or undefined (an absent member). */
export function field(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? isoSeconds(value) : escapeXml(String(value));
  return `<${name}>${text}</${name}>`;
}

/** `<name>children</name>`, or `<name/>` when there are none. Children are already XML. */
export function node(name: string, ...children: string[]): string {
  const inner = children.join('');
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

/** A list member: `<name><member>…</member>…</name>`. Items are already XML. */
export function list(name: string, items: readonly string[]): string {
  return node(name, ...items.map((item) => `<member>${item}</member>`));
}

/** `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata><RequestId>…` */
export function successXml(operation: string, result: string, requestId: string): string {
  return (
    `${DECLARATION}<${operation}Response xmlns="${XMLNS}">` +
    `<${operation}Result>${result}</${operation}Result>` +
    `<ResponseMetadata>${field('RequestId', requestId)}</ResponseMetadata>` +
    `</${operation}Response>`
  );
}

/** The HTTP status of an error: the catalog entry's (400 when it has none). */
export function errorStatus(err: CatalogError): number {
  return err.entry.http ?? 400;
}

/** `<ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/>`. */
export function errorXml(err: CatalogError, requestId: string): string {
  const type = errorStatus(err) >= 500 ? 'Receiver' : 'Sender';
  const error = field('Type', type) + field('Code', err.code) + field('Message', errorMessage(err));
  return (
    `${DECLARATION}<ErrorResponse xmlns="${XMLNS}">` +
    `<Error>${error}</Error>${field('RequestId', requestId)}` +
    `</ErrorResponse>`
  );
}
