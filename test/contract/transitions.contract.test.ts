import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../src/catalog/index.js';
import {
  decide,
  LOCATIONS,
  PROGRESS_CODES,
  StationJobs,
  TRANSITIONS,
  type JobEvent,
  type JobState,
} from '../../src/jobs/index.js';
import { JobTransitioner } from '../../src/jobs/job-transitioner.js';
import type { JobRecord, Store } from '../../src/store/index.js';
import { storeFactories } from '../helpers/databases.js';
import { account, job as jobRecord, mustCreate } from './store-fixtures.js';

// Walks every (state x event) pair through the real guarded SQL update, on every store adapter:
// the database must accept exactly what the table allows and refuse the rest with its code.
describe.each(storeFactories())('guarded transitions on $name', (factory) => {
  let store: Store;
  let job: JobRecord;
  const now = () => new Date('2026-01-01T00:00:00Z');

  beforeAll(async () => {
    store = await factory.open();
    await store.insertAccount(account('LSIAWALKWALKWALKWALK'));
    const station = new StationJobs({ store, signingKey: Buffer.alloc(32) });
    await mustCreate(store, jobRecord('WALK1', 'LSIAWALKWALKWALKWALK', now()));
    job = await station.job('WALK1');
  }, 60_000);
  afterAll(() => store.close());

  const states: JobState[] = LOCATIONS.flatMap((location) =>
    PROGRESS_CODES.flatMap((progress) => [false, true].map((canceled) => ({ location, progress, canceled }))),
  );
  const events = Object.keys(TRANSITIONS) as JobEvent[];

  it('accepts exactly the allowed pairs and refuses the rest with the table code', async () => {
    const transitioner = new JobTransitioner(store, now);
    let checked = 0;
    for (const state of states) {
      for (const event of events) {
        const forced = await store.transitionJob(job.jobId, {}, state, {
          event: 'force',
          at: now(),
          actor: 'test',
        });
        expect(forced).not.toBeNull();
        const decision = decide(event, state);
        const outcome = await transitioner.apply(forced!, event, 'test', {}).then(
          (updated) => ({ ok: true as const, updated }),
          (err: unknown) => ({ ok: false as const, code: (err as CatalogError).code }),
        );
        if (decision.allowed) {
          expect(outcome.ok, `${event} from ${JSON.stringify(state)}`).toBe(true);
          if (outcome.ok) expect(outcome.updated).toMatchObject({ ...state, ...decision.to });
        } else {
          expect(outcome, `${event} from ${JSON.stringify(state)}`).toEqual({
            ok: false,
            code: decision.code,
          });
          expect(await store.getJob(job.jobId)).toMatchObject(state);
        }
        checked++;
      }
    }
    expect(checked).toBe(72 * events.length);
  }, 120_000);
});
