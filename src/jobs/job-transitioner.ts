import { CatalogError, type CodeName } from '../catalog/index.js';
import type { JobPatch, JobRecord, Store } from '../store/index.js';
import { decide, type JobEvent, type JobState } from './transitions.js';

/** Called after every accepted change (notifications, dashboards). Must not throw. */
export type JobChangeListener = (job: JobRecord, event: JobEvent | 'create') => void;

export interface ApplyOptions {
  patch?: JobPatch;
  detail?: string | null;
}

const MAX_RACES = 3;

function describe(state: JobState): string {
  return `${state.location}/${state.progress}${state.canceled ? '/canceled' : ''}`;
}

function refusal(code: CodeName, job: JobRecord, event: JobEvent): CatalogError {
  return new CatalogError(code, { state: describe(job) }, { jobId: job.jobId, event });
}

/**
 * Runs table transitions as guarded store updates. A refused event throws its catalog code;
 * losing a race to another process re-reads the job and decides again.
 */
export class JobTransitioner {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #onChange: JobChangeListener | undefined;

  constructor(store: Store, now: () => Date, onChange?: JobChangeListener) {
    this.#store = store;
    this.#now = now;
    this.#onChange = onChange;
  }

  /** Throws the refusal's catalog code when `event` is not allowed in the job's state. */
  check(job: JobRecord, event: JobEvent): void {
    const decision = decide(event, job);
    if (!decision.allowed) throw refusal(decision.code, job, event);
  }

  async apply(job: JobRecord, event: JobEvent, actor: string, options: ApplyOptions): Promise<JobRecord> {
    let current = job;
    for (let race = 0; race < MAX_RACES; race++) {
      const decision = decide(event, current);
      if (!decision.allowed) throw refusal(decision.code, current, event);
      const updated = await this.#store.transitionJob(
        current.jobId,
        decision.guard,
        { ...decision.to, ...options.patch },
        { event, at: this.#now(), actor, detail: options.detail ?? null },
      );
      if (updated) {
        this.#notify(updated, event);
        return updated;
      }
      const reread = await this.#store.getJob(current.jobId);
      if (!reread) throw new CatalogError('InvalidJobIdException', {}, { jobId: current.jobId });
      current = reread;
    }
    throw refusal('InvalidJobState', current, event);
  }

  #notify(job: JobRecord, event: JobEvent): void {
    try {
      this.#onChange?.(job, event);
    } catch {
      // A listener's failure must never undo or fail a committed transition.
    }
  }
}
