import { migration as accounts } from './001-accounts.js';
import { migration as buckets } from './002-buckets.js';
import { migration as jobs } from './003-jobs.js';
import { migration as jobEvents } from './004-job-events.js';
import { migration as shippingLabels } from './005-shipping-labels.js';
import { migration as outbox } from './006-outbox.js';
import { migration as jobLoads } from './007-job-loads.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order. Append new ones; never edit or reorder released ones. */
export const MIGRATIONS: readonly Migration[] = [
  accounts,
  buckets,
  jobs,
  jobEvents,
  shippingLabels,
  outbox,
  jobLoads,
];
