import { CatalogError } from '../../catalog/index.js';
import { withReason, invalidParam } from './errors.js';
import { cancelJob } from './operations/cancel-job.js';
import { createJob } from './operations/create-job.js';
import { getShippingLabel } from './operations/get-shipping-label.js';
import { getStatus } from './operations/get-status.js';
import { listJobs } from './operations/list-jobs.js';
import type { Operation, OperationContext } from './operations/operation.js';
import { updateJob } from './operations/update-job.js';
import type { Params } from './params.js';

/** The only API version this service speaks. */
export const API_VERSION = '2010-06-01';
/** APIVersion names a client tool's version (reference §1.1), not the API's. */
const CLIENT_TOOL_VERSION = /^[0-9A-Za-z._-]{1,32}$/;

const OPERATIONS = new Map<string, Operation>(
  [createJob, getStatus, listJobs, updateJob, cancelJob, getShippingLabel].map((op) => [op.name, op]),
);

/** The operation named by `Action`, or by `Operation` (the model's `/?Operation=` URI): InvalidAction otherwise. */
export function resolveOperation(params: Params): Operation {
  const action = params.optionalString('Action');
  const operation = params.optionalString('Operation');
  if (action !== undefined && operation !== undefined && action !== operation) {
    throw invalidParam('Operation', 'it names another operation than Action');
  }
  const name = action ?? operation;
  const found = name === undefined ? undefined : OPERATIONS.get(name);
  if (!found) {
    throw withReason('InvalidAction', name === undefined ? 'the request names no Action' : undefined);
  }
  return found;
}

/** InvalidParameterException for a Version other than 2010-06-01; InvalidVersionException for a malformed APIVersion. */
export function checkVersions(params: Params): void {
  const version = params.optionalString('Version');
  if (version !== undefined && version !== API_VERSION) {
    throw invalidParam('Version', `this service speaks API version ${API_VERSION}`);
  }
  const toolVersion = params.optionalString('APIVersion');
  if (toolVersion !== undefined && !CLIENT_TOOL_VERSION.test(toolVersion)) {
    throw new CatalogError('InvalidVersionException');
  }
}

/**
 * Runs one authenticated request: duplicate parameters must agree, the operation must exist, the
 * versions must be acceptable. Returns the operation's name and the XML inside its Result element.
 */
export async function dispatch(context: OperationContext): Promise<{ name: string; result: string }> {
  const conflict = context.params.firstConflict();
  if (conflict !== null) throw invalidParam(conflict, 'it is given twice with different values');
  const operation = resolveOperation(context.params);
  checkVersions(context.params);
  return { name: operation.name, result: await operation.run(context) };
}
