export { registerQueryApi, QUERY_BODY_LIMIT, type QueryApiDeps } from './plugin.js';
export type { QueryJobs } from './operations/operation.js';
export { API_VERSION } from './dispatcher.js';
export { XMLNS } from './xml.js';
