export { ADMIN_PREFIX, registerAdminRoutes, type AdminRoutesDeps } from './routes.js';
export type { AdminJobs } from './job-routes.js';
export { bearerToken, tokenMatches } from './auth.js';
export { errorJson, messageWithDetails } from './error-json.js';
export { toAdminError } from './errors.js';
export type * from './wire.js';
