import { XMLParser } from 'fast-xml-parser';
import { CatalogError, isCodeName } from '../catalog/index.js';
import { OUTPUT_SHAPES, type Operation, type Scalar, type Shape } from './importexport-shapes.js';

// Entities are decoded by decodeXmlText (numeric references included), so the parser keeps them.
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  isArray: (name) => name === 'member',
});

type XmlNode = Record<string, unknown>;

/**
 * A response body as the operation's result, or the error it carries. Exported for tests: the
 * golden XML of each operation goes through here.
 */
export function parseResponse(operation: Operation, status: number, text: string, endpoint: string): object {
  const document = parseXml(text);
  const errorResponse = document?.ErrorResponse;
  if (isNode(errorResponse)) throw remoteError(errorResponse, status, endpoint);
  const response = document?.[`${operation}Response`];
  if (status >= 200 && status < 300 && isNode(response)) {
    const result = response[`${operation}Result`];
    return readStructure(isNode(result) ? result : {}, OUTPUT_SHAPES[operation], operation);
  }
  throw notTheApi(endpoint, `HTTP ${status} with ${describeBody(text)}`);
}

export function parseXml(text: string): XmlNode | undefined {
  try {
    const parsed: unknown = parser.parse(text, true);
    return isNode(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readStructure(node: XmlNode, shape: Shape, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [member, type] of Object.entries(shape)) {
    const raw = node[member];
    if (raw === undefined) continue;
    if (typeof type === 'object') {
      const members = isNode(raw) && Array.isArray(raw.member) ? (raw.member as unknown[]) : [];
      out[member] = members.map((item, i) =>
        readStructure(isNode(item) ? item : {}, type.list, `${path}.${member}[${i}]`),
      );
    } else {
      out[member] = readScalar(raw, type, `${path}.${member}`);
    }
  }
  return out;
}

function readScalar(raw: unknown, type: Scalar, path: string): string | number | boolean {
  const text = textOf(raw);
  if (type === 'string' || type === 'timestamp') return text;
  const trimmed = text.trim();
  if (type === 'integer') {
    if (!/^-?[0-9]+$/.test(trimmed)) throw badMember(path, text, 'an integer');
    return Number(trimmed);
  }
  if (/^true$/i.test(trimmed)) return true;
  if (/^false$/i.test(trimmed)) return false;
  throw badMember(path, text, 'true or false');
}

/** An element's text: `<X/>` is '', literal CR LF becomes LF, entities are decoded. */
function textOf(raw: unknown): string {
  if (typeof raw === 'string') return decodeXmlText(raw.replace(/\r\n?/g, '\n'));
  if (isNode(raw) && typeof raw['#text'] === 'string') return textOf(raw['#text']);
  return '';
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML's five named entities and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

export function describeBody(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'an empty body';
  const start = trimmed.slice(0, 120).replace(/\s+/g, ' ');
  return `a body that is not an Import/Export API response: ${JSON.stringify(start)}`;
}

function badMember(path: string, value: string, expected: string): CatalogError {
  return new CatalogError(
    'InternalError',
    {},
    { reason: `the server's ${path} is ${JSON.stringify(value)}, which is not ${expected}` },
  );
}

function notTheApi(endpoint: string, what: string): CatalogError {
  return new CatalogError(
    'InternalError',
    {},
    {
      reason: `${endpoint} answered ${what}; check --endpoint-url (LONGSHORE_ENDPOINT)`,
    },
  );
}

/**
 * `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..` as the
 * catalog's error for that code, carrying the server's own message; InternalError for a code
 * the catalog does not know.
 */
export function remoteError(errorResponse: XmlNode, status: number, endpoint: string): CatalogError {
  const error = isNode(errorResponse.Error) ? errorResponse.Error : {};
  const code = textOf(error.Code).trim();
  const message = textOf(error.Message).trim();
  const requestId = textOf(errorResponse.RequestId).trim() || undefined;
  if (code !== '' && isCodeName(code)) {
    const caught = new CatalogError(code, {}, { serverMessage: message, requestId, httpStatus: status });
    if (message !== '') caught.message = message;
    return caught;
  }
  const what = code === '' ? 'an error without a code' : `the unknown error code ${code}`;
  return notTheApi(endpoint, `HTTP ${status} with ${what}${message ? `: ${message}` : ''}`);
}
