import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../accounts/index.js';
import { CatalogError } from '../../catalog/index.js';
import { registerAccountRoutes } from './account-routes.js';
import { bearerToken, tokenMatches } from './auth.js';
import { registerBucketRoutes, type BucketStorage } from './bucket-routes.js';
import { adminErrorHandler, sendError } from './errors.js';
import { registerJobRoutes, type AdminJobs } from './job-routes.js';
import type { StationServices } from '../../station/index.js';
import { registerStationRoutes } from './station-routes.js';
import type { HealthResponse } from './wire.js';

/** The admin API's base path. */
export const ADMIN_PREFIX = '/admin/v1';

export interface AdminRoutesDeps {
  accounts: AccountsService;
  /** Read-only job look-ups for `GET /jobs/:jobId` (the control plane passes its StationJobs). */
  jobs: AdminJobs;
  /** Where `POST /buckets` creates buckets for real (the S3 target or the embedded store). */
  storage?: BucketStorage;
  /** The station steps under /station (the control plane passes its StationJobs); none without it. */
  stationJobs?: StationServices;
  /** The bearer token every route but /health requires. */
  adminToken: string;
  /** Receives the cause of every InternalError (default: written to stderr). */
  logError?: (err: unknown) => void;
}

function logToStderr(err: unknown): void {
  console.error(`longshore admin API: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

/** onRequest hook: InvalidAdminToken (401) unless the request carries the admin token. */
function requireToken(adminToken: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const given = bearerToken(request.headers.authorization);
    if (given === null || !tokenMatches(given, adminToken)) throw new CatalogError('InvalidAdminToken');
  };
}

/**
 * Registers the admin HTTP API under /admin/v1 in its own encapsulated scope: accounts, buckets,
 * a read-only view of jobs and the station steps behind a bearer token, /health without. Every error is
 * `{"error":{code,message,action}}` with the catalog entry's HTTP status.
 */
export async function registerAdminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(adminErrorHandler(deps.logError ?? logToStderr));
      scope.setNotFoundHandler((request, reply) => {
        const details = {
          parameter: 'path',
          value: `${request.method} ${request.url}`,
          reason: 'no such admin API route',
        };
        return sendError(
          reply,
          new CatalogError('InvalidParameterException', { parameter: 'path' }, details),
        );
      });
      scope.get('/health', async (): Promise<HealthResponse> => ({ status: 'ok' }));
      await scope.register(async (secured) => {
        secured.addHook('onRequest', requireToken(deps.adminToken));
        registerAccountRoutes(secured, deps.accounts);
        registerBucketRoutes(secured, deps.accounts, deps.storage);
        registerJobRoutes(secured, deps.jobs);
        if (deps.stationJobs) registerStationRoutes(secured, deps.stationJobs);
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
