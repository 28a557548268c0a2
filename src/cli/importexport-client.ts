import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { CatalogError } from '../catalog/index.js';
import { describeBody, isNode, parseResponse, parseXml, remoteError } from './importexport-xml.js';
import {
  LABEL_ADDRESS_MEMBERS,
  type CancelJobOutput,
  type CreateJobInput,
  type CreateJobOutput,
  type GetShippingLabelInput,
  type GetShippingLabelOutput,
  type GetStatusOutput,
  type ListJobsInput,
  type ListJobsOutput,
  type Operation,
  type UpdateJobInput,
  type UpdateJobOutput,
} from './importexport-shapes.js';

export * from './importexport-shapes.js';
export { decodeXmlText, parseResponse } from './importexport-xml.js';

/** The API version of the AWS Import/Export web service (reference §1). */
export const API_VERSION = '2010-06-01';
/** The SigV4 service name the customer commands sign with (DECISIONS §4 accepts it and IngestionService). */
export const SIGNING_SERVICE = 'importexport';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
const TIMEOUT_MS = 60_000;

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
