import type { JobService } from '../../../jobs/index.js';
import type { ShippingLabels } from '../../labels/types.js';
import type { Params } from '../params.js';

/** The JobService calls the query API makes (a JobService satisfies it). */
export type QueryJobs = Pick<JobService, 'createJob' | 'updateJob' | 'cancelJob' | 'getStatus' | 'listJobs'>;

/** Everything one operation needs: the authenticated caller and its signed parameters. */
export interface OperationContext {
  caller: string;
  params: Params;
  jobs: QueryJobs;
  labels: ShippingLabels;
  /** `protocol://host` of this request, for URLs the response hands out. */
  baseUrl: string;
}

/** One API operation: reads its parameters, calls a service, returns the XML inside `<{name}Result>`. */
export interface Operation {
  readonly name: string;
  run(context: OperationContext): Promise<string>;
}

/** Who job history records as having acted through this channel. */
export const ACTOR = 'api';
