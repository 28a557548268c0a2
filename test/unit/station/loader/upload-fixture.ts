import { ProgressTracker } from '../../../../src/station/loader/progress.js';
import { Quota } from '../../../../src/station/loader/quota.js';
import { loadSettings } from '../../../../src/station/loader/settings.js';
import type { UploadContext } from '../../../../src/station/loader/upload-context.js';
import type { ObjectStore } from '../../../../src/storage/index.js';

/** The UploadContext of a load into `bucket` of `store`: default settings, quick retries, no journal. */
export function uploadContext(store: ObjectStore, bucket: string, attempts = 4): UploadContext {
  const options = { retry: { attempts, baseMs: 1, maxMs: 2 } } as Parameters<typeof loadSettings>[0];
  const settings = loadSettings(options);
  return {
    store,
    bucket,
    settings,
    budget: new Quota(settings.maxInFlightBytes),
    stop: new AbortController().signal,
    journal: null,
    progress: new ProgressTracker(() => {}),
  };
}
