import Fastify from 'fastify';
import { registerQueryApi, type QueryJobs } from '../../../src/api/query/index.js';
import type { IssuedLabel, LabelRequest, ShippingLabels } from '../../../src/api/labels/types.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { makeServices, type TestServices } from '../../helpers/services.js';
import {
  signRequest,
  type Credentials,
  type ParamList,
  type PlainRequest,
  type SignOptions,
} from './signer.js';

/**
 * A FAKE ShippingLabels, only for these tests (the real one, with PDFs and signed URLs, is written
 * separately). It checks each job the way the real port must (through JobService.getStatus, so
 * another account's job is InvalidJobIdException) and requires a name.
 */
export class FakeShippingLabels implements ShippingLabels {
  readonly calls: { request: LabelRequest; baseUrl: string }[] = [];
  constructor(private readonly jobs: Pick<QueryJobs, 'getStatus'>) {}

  async issue(request: LabelRequest, baseUrl: string): Promise<IssuedLabel> {
    this.calls.push({ request, baseUrl });
    for (const jobId of request.jobIds) await this.jobs.getStatus(request.caller, jobId);
    if (!request.address.name) throw new CatalogError('InvalidAddressException');
    const warning = request.jobIds.length > 1 ? 'one label covers several jobs' : null;
    return { url: `${baseUrl}/labels/${request.jobIds.join('-')}.pdf?fake=1`, warning };
  }
}

export interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  /** The text of the first `<name>` element, unescaped enough for tests. */
  get(name: string): string | undefined;
}

export interface TestQueryServer {
  url: string;
  services: TestServices;
  labels: FakeShippingLabels;
  /** Causes of InternalErrors the plugin logged. */
  logged: unknown[];
  send(request: PlainRequest): Promise<Reply>;
  /** Signs `params` as `creds` at the test clock's time (unless `options.at`) and sends them. */
  call(params: ParamList, creds: Credentials, options?: SignOptions): Promise<Reply>;
  close(): Promise<void>;
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#xD;/g, '\r')
    .replace(/&amp;/g, '&');
}

async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    get(name) {
      const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text);
      return match ? unescape(match[1]!) : undefined;
    },
  };
}

/**
 * The query API on 127.0.0.1:0 over the real services (in-memory store), or over `jobs` when given.
 * Signatures are checked against the services' test clock unless `authClock` is given.
 */
export async function startQueryServer(
  options: { jobs?: QueryJobs; requestId?: () => string; authClock?: () => Date } = {},
): Promise<TestQueryServer> {
  const services = await makeServices();
  const jobs = options.jobs ?? services.jobs;
  const labels = new FakeShippingLabels(jobs);
  const logged: unknown[] = [];
  const app = Fastify({ logger: false });
  await registerQueryApi(app, {
    jobs,
    accounts: services.accounts,
    labels,
    now: options.authClock ?? services.clock.now,
    logError: (err) => logged.push(err),
    requestId: options.requestId,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const send = async (request: PlainRequest) =>
    toReply(
      await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'POST' ? request.body : undefined,
      }),
    );
  return {
    url,
    services,
    labels,
    logged,
    send,
    call: (params, creds, signOptions = {}) =>
      send(signRequest(url, params, creds, { at: services.clock.now(), ...signOptions })),
    close: async () => {
      await app.close();
      await services.close();
    },
  };
}
