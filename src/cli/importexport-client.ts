import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { CatalogError, isCodeName } from '../catalog/index.js';

/** The API version of the AWS Import/Export web service (reference §1). */
export const API_VERSION = '2010-06-01';
/** The SigV4 service name the customer commands sign with (DECISIONS §4 accepts it and IngestionService). */
export const SIGNING_SERVICE = 'importexport';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
const TIMEOUT_MS = 60_000;

// ---- the model's shapes (botocore importexport 2010-06-01), member names as on the wire ----

export type JobType = 'Import' | 'Export';

export interface Artifact {
  Description?: string;
  URL?: string;
}

export interface CreateJobInput {
  JobType: JobType;
  Manifest: string;
  ValidateOnly: boolean;
  ManifestAddendum?: string;
}

export interface CreateJobOutput {
  JobId?: string;
  JobType?: string;
  Signature?: string;
  SignatureFileContents?: string;
  WarningMessage?: string;
  ArtifactList?: Artifact[];
}

export interface GetStatusOutput {
  JobId?: string;
  JobType?: string;
  LocationCode?: string;
  LocationMessage?: string;
  ProgressCode?: string;
  ProgressMessage?: string;
  Carrier?: string;
  TrackingNumber?: string;
  LogBucket?: string;
  LogKey?: string;
  ErrorCount?: number;
  Signature?: string;
  SignatureFileContents?: string;
  CurrentManifest?: string;
  /** ISO 8601, as the server sent it. */
  CreationDate?: string;
  ArtifactList?: Artifact[];
}

export interface ListJobsInput {
  MaxJobs?: number;
  Marker?: string;
}

export interface Job {
  JobId?: string;
  CreationDate?: string;
  IsCanceled?: boolean;
  JobType?: string;
}

export interface ListJobsOutput {
  Jobs?: Job[];
  IsTruncated?: boolean;
}

export interface UpdateJobInput {
  JobId: string;
  Manifest: string;
  JobType: JobType;
  ValidateOnly: boolean;
}

export interface UpdateJobOutput {
  Success?: boolean;
  WarningMessage?: string;
  ArtifactList?: Artifact[];
}

export interface CancelJobOutput {
  Success?: boolean;
}

/** GetShippingLabel's input: lower-camel member names, as in the model. */
export interface GetShippingLabelInput {
  jobIds: string[];
  name?: string;
  company?: string;
  phoneNumber?: string;
  country?: string;
  stateOrProvince?: string;
  city?: string;
  postalCode?: string;
  street1?: string;
  street2?: string;
  street3?: string;
}

export interface GetShippingLabelOutput {
  ShippingLabelURL?: string;
  Warning?: string;
}

/** The address members of GetShippingLabel, in the model's order. */
export const LABEL_ADDRESS_MEMBERS = [
  'name',
  'company',
  'phoneNumber',
  'country',
  'stateOrProvince',
  'city',
  'postalCode',
  'street1',
  'street2',
  'street3',
] as const;

type Scalar = 'string' | 'integer' | 'boolean' | 'timestamp';
type Shape = { readonly [member: string]: Scalar | { readonly list: Shape } };

const ARTIFACT: Shape = { Description: 'string', URL: 'string' };
const JOB: Shape = { JobId: 'string', CreationDate: 'timestamp', IsCanceled: 'boolean', JobType: 'string' };

/** Each operation's output structure, from the model. */
const OUTPUT_SHAPES = {
  CreateJob: {
    JobId: 'string',
    JobType: 'string',
    Signature: 'string',
    SignatureFileContents: 'string',
    WarningMessage: 'string',
    ArtifactList: { list: ARTIFACT },
  },
  GetStatus: {
    JobId: 'string',
    JobType: 'string',
    LocationCode: 'string',
    LocationMessage: 'string',
    ProgressCode: 'string',
    ProgressMessage: 'string',
    Carrier: 'string',
    TrackingNumber: 'string',
    LogBucket: 'string',
    LogKey: 'string',
    ErrorCount: 'integer',
    Signature: 'string',
    SignatureFileContents: 'string',
    CurrentManifest: 'string',
    CreationDate: 'timestamp',
    ArtifactList: { list: ARTIFACT },
  },
  ListJobs: { Jobs: { list: JOB }, IsTruncated: 'boolean' },
  UpdateJob: { Success: 'boolean', WarningMessage: 'string', ArtifactList: { list: ARTIFACT } },
  CancelJob: { Success: 'boolean' },
  GetShippingLabel: { ShippingLabelURL: 'string', Warning: 'string' },
} as const satisfies Record<string, Shape>;

export type Operation = keyof typeof OUTPUT_SHAPES;

/** An access key pair (with a session token for temporary credentials), as the SDK's providers give it. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and as whom the client calls the API. */
export interface ImportExportClientOptions {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8080. */
  endpoint: string;
  region: string;
  credentials: SigningCredentials;
}

/**
 * The AWS Import/Export query API (DECISIONS §4) seen from a CLI process: form-encoded POSTs to
 * `<endpoint>/`, signed with SigV4 by the AWS SDK's signer. Codes: the server's catalog code for
 * an `<ErrorResponse>` (its message kept), ServerUnreachable when nothing answers, InternalError
 * for an answer that is not from an Import/Export API.
 */
export class ImportExportClient {
  readonly endpoint: string;
  readonly #signer: SignatureV4;

  constructor(options: ImportExportClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.#signer = new SignatureV4({
      service: SIGNING_SERVICE,
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
    });
  }

  createJob(input: CreateJobInput): Promise<CreateJobOutput> {
    const params: [string, string][] = [
      ['JobType', input.JobType],
      ['Manifest', input.Manifest],
      ['ValidateOnly', String(input.ValidateOnly)],
    ];
    if (input.ManifestAddendum !== undefined) params.push(['ManifestAddendum', input.ManifestAddendum]);
    return this.call('CreateJob', params);
  }

  getStatus(jobId: string): Promise<GetStatusOutput> {
    return this.call('GetStatus', [['JobId', jobId]]);
  }

  listJobs(input: ListJobsInput = {}): Promise<ListJobsOutput> {
    const params: [string, string][] = [];
    if (input.MaxJobs !== undefined) params.push(['MaxJobs', String(input.MaxJobs)]);
    if (input.Marker !== undefined) params.push(['Marker', input.Marker]);
    return this.call('ListJobs', params);
  }

  updateJob(input: UpdateJobInput): Promise<UpdateJobOutput> {
    return this.call('UpdateJob', [
      ['JobId', input.JobId],
      ['Manifest', input.Manifest],
      ['JobType', input.JobType],
      ['ValidateOnly', String(input.ValidateOnly)],
    ]);
  }

  cancelJob(jobId: string): Promise<CancelJobOutput> {
    return this.call('CancelJob', [['JobId', jobId]]);
  }

  getShippingLabel(input: GetShippingLabelInput): Promise<GetShippingLabelOutput> {
    const params: [string, string][] = input.jobIds.map((id, i) => [`jobIds.member.${i + 1}`, id]);
    for (const member of LABEL_ADDRESS_MEMBERS) {
      const value = input[member];
      if (value !== undefined) params.push([member, value]);
    }
    return this.call('GetShippingLabel', params);
  }

  /**
   * Fetches a shipping label PDF from its ShippingLabelURL (a signed URL: no SigV4 needed). A
   * relative URL is taken relative to the endpoint. The server's `<ErrorResponse>` becomes its
   * catalog error; anything that is not a PDF is InternalError.
   */
  async downloadLabel(labelUrl: string): Promise<Uint8Array> {
    const url = new URL(labelUrl, `${this.endpoint}/`);
    let status: number;
    let bytes: Uint8Array;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      status = response.status;
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      throw unreachable(url.origin, err);
    }
    const isPdf = Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
    if (status >= 200 && status < 300 && isPdf) return bytes;
    const text = Buffer.from(bytes).toString('utf8');
    const errorResponse = parseXml(text)?.ErrorResponse;
    if (isNode(errorResponse)) throw remoteError(errorResponse, status, url.origin);
    throw new CatalogError(
      'InternalError',
      {},
      {
        reason: `${url.href} answered HTTP ${status} with ${isPdf ? 'a PDF' : describeBody(text)}, not a PDF label`,
      },
    );
  }

  /** Sends one operation and returns its `<OpResult>` members, typed per the model. */
  async call<T>(operation: Operation, params: readonly [string, string][]): Promise<T> {
    const body = formEncode([['Action', operation], ['Version', API_VERSION], ...params]);
    const url = new URL(`${this.endpoint}/`);
    const signed = await this.#signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        headers: { host: url.host, 'content-type': CONTENT_TYPE },
        body,
      }),
    );
    // fetch sets Host itself (the same url.host that was signed) and Content-Length.
    const headers = Object.fromEntries(
      Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'),
    );
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw unreachable(this.endpoint, err);
    }
    return parseResponse(operation, status, text, this.endpoint) as T;
  }
}

/** `name=value&...`, RFC 3986 percent-encoding (space as %20), as botocore sends query bodies. */
export function formEncode(params: readonly (readonly [string, string])[]): string {
  const encode = (text: string): string =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return params.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

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

function parseXml(text: string): XmlNode | undefined {
  try {
    const parsed: unknown = parser.parse(text, true);
    return isNode(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isNode(value: unknown): value is XmlNode {
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

function describeBody(text: string): string {
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
function remoteError(errorResponse: XmlNode, status: number, endpoint: string): CatalogError {
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

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there',
  ENOTFOUND: 'the host name is unknown',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host cannot be reached',
};

/** ServerUnreachable for the endpoint, saying why and which option names it. */
export function unreachable(endpoint: string, err: unknown): CatalogError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = cause?.code;
  const why =
    (err as Error).name === 'TimeoutError'
      ? `no answer within ${TIMEOUT_MS / 1000} seconds`
      : typeof code === 'string'
        ? `${NETWORK_REASONS[code] ?? 'the connection failed'} (${code})`
        : `the connection failed (${typeof cause?.message === 'string' ? cause.message : (err as Error).message})`;
  const error = new CatalogError(
    'ServerUnreachable',
    { url: endpoint },
    { reason: `${why}; the customer commands call --endpoint-url (LONGSHORE_ENDPOINT)` },
  );
  (error as { cause?: unknown }).cause = err;
  return error;
}
