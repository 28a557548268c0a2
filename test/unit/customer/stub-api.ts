import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';

// A STUB standing in for the real query API (src/api/query/, written in parallel): it checks
// each request's SigV4 signature with Debian's botocore (an independent implementation, run by
// /usr/bin/python3) and answers with golden XML built from the 2010-06-01 model's member names.

const NAMESPACE = 'http://importexport.amazonaws.com/doc/2010-06-01/';
export const REQUEST_ID = 'a4f704fc-0ad8-11df-b085-4384d3e37ae5';

/** Escapes text for an XML element. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** `<OpResponse><OpResult>inner</OpResult><ResponseMetadata>...` as the real service sends it. */
export function successXml(operation: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${operation}Response xmlns="${NAMESPACE}">
  <${operation}Result>
${inner}
  </${operation}Result>
  <ResponseMetadata>
    <RequestId>${REQUEST_ID}</RequestId>
  </ResponseMetadata>
</${operation}Response>
`;
}

/** The query protocol's error envelope (reference §1.5): RequestId is a sibling of Error. */
export function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse xmlns="${NAMESPACE}">
  <Error>
    <Type>Sender</Type>
    <Code>${code}</Code>
    <Message>${xmlText(message)}</Message>
  </Error>
  <RequestId>${REQUEST_ID}</RequestId>
</ErrorResponse>
`;
}

/** Elements for a flat object: `{JobId: 'X'}` -> `<JobId>X</JobId>`. */
export function members(values: Record<string, string | number | boolean>, indent = '    '): string {
  return Object.entries(values)
    .map(([name, value]) => `${indent}<${name}>${xmlText(String(value))}</${name}>`)
    .join('\n');
}

/** One signed request as the stub saw it. */
export interface SeenRequest {
  action: string;
  /** The decoded form body, in order (repeated names kept). */
  params: [string, string][];
  body: string;
  headers: Record<string, string>;
  accessKeyId: string;
  /** The credential scope: date/region/service/aws4_request. */
  region: string;
  service: string;
  signedHeaders: string[];
  /** True when botocore computed the same signature and the payload hash matched the body. */
  verified: boolean;
}

export interface StubReply {
  status?: number;
  xml: string;
}

export type StubHandler = (request: SeenRequest) => StubReply;

/** Runs the botocore signer in one long-lived python process, one JSON line per request. */
class BotocoreSigner {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer = '';
  readonly #waiting: ((line: string) => void)[] = [];

  constructor() {
    const script = fileURLToPath(new URL('./sigv4_botocore.py', import.meta.url));
    this.#child = spawn('/usr/bin/python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let newline: number;
      while ((newline = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        this.#waiting.shift()?.(line);
      }
    });
  }

  signature(input: object): Promise<{ signature?: string; canonical?: string; error?: string }> {
    return new Promise((resolve) => {
      this.#waiting.push((line) => resolve(JSON.parse(line) as { signature?: string }));
      this.#child.stdin.write(`${JSON.stringify(input)}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

export interface StubApi {
  url: string;
  /** Every request that reached the stub, signed or not. */
  seen: SeenRequest[];
  /** Access key ID -> secret access key (and session token, when one is required). */
  keys: Map<string, { secret: string; sessionToken?: string }>;
  /** Answers for an action; the default answer of each action is the golden one. */
  handlers: Map<string, StubHandler>;
  /** PDF bytes served at /labels/<name>. */
  labels: Map<string, Uint8Array>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1:0. `defaults` are the golden answers per action. */
export async function startStubApi(defaults: Record<string, StubHandler>): Promise<StubApi> {
  const signer = new BotocoreSigner();
  // A 1 MiB manifest is a little over 1 MiB once form-encoded (up to 9 bytes per character).
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  const seen: SeenRequest[] = [];
  const keys = new Map<string, { secret: string; sessionToken?: string }>();
  const handlers = new Map<string, StubHandler>();
  const labels = new Map<string, Uint8Array>();
  let origin = '';

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.post('/', async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : String(value),
      ]),
    );
    const params = [...new URLSearchParams(body)];
    const action = params.find(([name]) => name === 'Action')?.[1] ?? '';
    const auth = AUTH.exec(headers.authorization ?? '');
    const seenRequest: SeenRequest = {
      action,
      params,
      body,
      headers,
      accessKeyId: auth?.[1] ?? '',
      region: auth?.[3] ?? '',
      service: auth?.[4] ?? '',
      signedHeaders: auth?.[5]?.split(';') ?? [],
      verified: false,
    };
    seen.push(seenRequest);
    reply.type('text/xml');
    if (!auth) return reply.code(403).send(errorXml('MissingAuthenticationToken', 'not signed'));
    const [, accessKeyId, date, region, service, signedHeaders, signature] = auth as unknown as string[];
    const key = keys.get(accessKeyId ?? '');
    if (!key) return reply.code(403).send(errorXml('InvalidClientTokenId', 'The key is not known here.'));
    const amzDate = headers['x-amz-date'] ?? '';
    const signed = Object.fromEntries(
      (signedHeaders ?? '').split(';').map((name) => [name, headers[name] ?? '']),
    );
    const expected = await signer.signature({
      method: request.method,
      url: `${origin}${request.url}`,
      headers: signed,
      body,
      accessKey: accessKeyId,
      secretKey: key.secret,
      sessionToken: key.sessionToken,
      region,
      service,
      amzDate,
    });
    if (expected.error) throw new Error(`botocore failed: ${expected.error}`);
    const payloadHash = createHash('sha256').update(body, 'utf8').digest('hex');
    const hashOk = (headers['x-amz-content-sha256'] ?? payloadHash) === payloadHash;
    const tokenOk = key.sessionToken === undefined || headers['x-amz-security-token'] === key.sessionToken;
    seenRequest.verified =
      expected.signature === signature && hashOk && tokenOk && amzDate.startsWith(date ?? '-');
    if (!seenRequest.verified) {
      return reply.code(403).send(errorXml('SignatureDoesNotMatch', 'The signature does not match.'));
    }
    const handler = handlers.get(action) ?? defaults[action];
    if (!handler) return reply.code(400).send(errorXml('InvalidAction', `No action ${action}.`));
    const answer = handler(seenRequest);
    return reply.code(answer.status ?? 200).send(answer.xml);
  });

  app.get<{ Params: { name: string } }>('/labels/:name', async (request, reply) => {
    const pdf = labels.get(request.params.name);
    if (!pdf) {
      return reply.code(404).type('text/xml').send(errorXml('InvalidJobIdException', 'No such label.'));
    }
    return reply.type('application/pdf').send(Buffer.from(pdf));
  });

  origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: origin,
    seen,
    keys,
    handlers,
    labels,
    reset: () => {
      seen.length = 0;
      handlers.clear();
      labels.clear();
    },
    close: async () => {
      signer.close();
      await app.close();
    },
  };
}
