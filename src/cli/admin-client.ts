import { join } from 'node:path';
import type { CreateAccountInput, UpdateAccountInput } from '../accounts/index.js';
import type {
  AccountCreated,
  AccountListResponse,
  AccountResponse,
  BucketListResponse,
  BucketResponse,
  HealthResponse,
  JobResponse,
} from '../api/admin/index.js';
import { ADMIN_PREFIX } from '../api/admin/index.js';
import { CatalogError, isCodeName } from '../catalog/index.js';
import type { AdminClientConfig } from '../config/index.js';
import type { StationControl, StationJobView, StationLoadControl } from '../station/index.js';
import { ADMIN_TOKEN_FILE, readAdminToken } from './data-dir.js';

const TIMEOUT_MS = 60_000;

/**
 * The admin HTTP API (/admin/v1) seen from a CLI process. Codes: ServerUnreachable (no connection
 * or no answer), the server's own catalog code for any error it returns, InternalError for an
 * answer that is not from a Longshore admin API.
 */
export class AdminClient {
  readonly #server: string;
  readonly #token: string;

  constructor(server: string, token: string) {
    this.#server = server.replace(/\/+$/, '');
    this.#token = token;
  }

  createAccount(input: CreateAccountInput): Promise<AccountCreated> {
    return this.#request('POST', '/accounts', input);
  }

  updateAccount(accessKeyId: string, input: UpdateAccountInput): Promise<AccountResponse> {
    return this.#request('PATCH', `/accounts/${encodeURIComponent(accessKeyId)}`, input);
  }

  listAccounts(): Promise<AccountListResponse> {
    return this.#request('GET', '/accounts');
  }

  createBucket(name: string, owner: string): Promise<BucketResponse> {
    return this.#request('POST', '/buckets', { name, owner });
  }

  grantBucket(name: string, accessKeyId: string): Promise<BucketResponse> {
    return this.#request('POST', `/buckets/${encodeURIComponent(name)}/grants`, { accessKeyId });
  }

  listBuckets(): Promise<BucketListResponse> {
    return this.#request('GET', '/buckets');
  }

  /** The job (case-insensitive ID) and its history; InvalidJobIdException when there is none. */
  job(jobId: string): Promise<JobResponse> {
    return this.#request('GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  /** The station steps over /admin/v1/station, for station commands (DECISIONS §7). */
  stationControl(station: string): StationControl & StationLoadControl {
    const step = <T>(jobId: string, name: string, body: object = {}) =>
      this.#request<T>('POST', `/station/jobs/${encodeURIComponent(jobId)}/${name}`, { station, ...body });
    const job = async (p: Promise<{ job: StationJobView }>) => (await p).job;
    return {
      receive: (jobId) => step(jobId, 'receive'),
      failInspection: (jobId, failure, detail) => job(step(jobId, 'inspection-failure', { failure, detail })),
      checkSignature: (jobId, signature, detail, device) =>
        step(jobId, 'signature', { signature, detail, device }),
      returnDevice: (jobId, carrier, trackingNumber) =>
        job(step(jobId, 'return', { carrier, trackingNumber })),
      loadRecord: (jobId) => step(jobId, 'load-record'),
      startLoad: (jobId) => step(jobId, 'load-start'),
      checkpoint: (jobId, checkpoint) => step(jobId, 'load-checkpoint', { checkpoint }),
      finishLoad: (jobId, result) => job(step(jobId, 'load-finish', result)),
    };
  }

  health(): Promise<HealthResponse> {
    return this.#request('GET', '/health');
  }

  async #request<T>(method: string, path: string, body?: object): Promise<T> {
    const url = `${this.#server}${ADMIN_PREFIX}${path}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw unreachable(this.#server, err);
    }
    const parsed = parseJson(text);
    if (status >= 200 && status < 300 && parsed !== undefined) return parsed as T;
    throw remoteError(this.#server, status, parsed);
  }
}

/** The client for an admin command: the token from the config, else from `<data-dir>/admin-token`. */
export async function adminClientFor(config: AdminClientConfig): Promise<AdminClient> {
  const token = config.adminToken ?? (await readAdminToken(config.dataDir));
  if (!token) {
    const path = join(config.dataDir, ADMIN_TOKEN_FILE);
    throw new CatalogError(
      'InvalidAdminToken',
      {},
      {
        reason: `no --admin-token or LONGSHORE_ADMIN_TOKEN was given, and ${path} cannot be read`,
      },
    );
  }
  return new AdminClient(config.server, token);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there',
  ENOTFOUND: 'the host name is unknown',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host cannot be reached',
};

function unreachable(server: string, err: unknown): CatalogError {
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  const reason =
    (err as Error).name === 'TimeoutError'
      ? `no answer within ${TIMEOUT_MS / 1000} seconds`
      : typeof code === 'string'
        ? `${NETWORK_REASONS[code] ?? 'the connection failed'} (${code})`
        : (err as Error).message;
  const error = new CatalogError('ServerUnreachable', { url: server }, { reason });
  (error as { cause?: unknown }).cause = err;
  return error;
}

/** The server's `{"error":{code,message}}` as a CatalogError carrying the server's message. */
function remoteError(server: string, status: number, body: unknown): CatalogError {
  const remote = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof remote?.code === 'string' && isCodeName(remote.code)) {
    const error = new CatalogError(remote.code);
    if (typeof remote.message === 'string') error.message = remote.message;
    return error;
  }
  return new CatalogError(
    'InternalError',
    {},
    {
      reason: `${server} answered HTTP ${status} with something that is not a Longshore admin API response; check --server`,
    },
  );
}
