import { CatalogError } from '../../catalog/index.js';
import { INSPECTION_FAILURES } from '../../jobs/index.js';
import { parseManifest } from '../../manifest/index.js';
import type { LoadRecordView } from '../port.js';

/** Progress codes of a load that ended: only then is the device erased. */
const LOADED: ReadonlySet<string> = new Set(['Success', 'SuccessWithErrors']);
const FAILED_INSPECTION: ReadonlySet<string> = new Set(INSPECTION_FAILURES);

/** InvalidJobState naming the job's state, with the reason in `details`. */
function refusal(state: string, reason: string): CatalogError {
  return new CatalogError('InvalidJobState', { state }, { state, reason });
}

/** Whether the job's current manifest asks for an erase; InvalidJobState when it does not parse. */
function manifestAsksErase(record: LoadRecordView, state: string, stationCountry: string): boolean {
  const parsed = parseManifest(record.manifestText, 'Import', { stationCountry });
  if (!parsed.ok) {
    const first = parsed.issues[0];
    const where = first ? ` (${first.code} at ${first.path || 'the document'})` : '';
    throw refusal(state, `its manifest cannot be read as an import manifest${where}`);
  }
  return 'eraseDevice' in parsed.manifest && parsed.manifest.eraseDevice;
}

/**
 * Checks that the job's device may be erased now (DECISIONS §8 `station erase`): the manifest
 * says `eraseDevice: yes`, the job is not canceled, the device is still at the station, and the
 * load has finished (Success or SuccessWithErrors). A device whose inspection failed was never
 * loaded and is returned as it came. Every refusal is InvalidJobState with the job's state
 * (`AtAWS/Pending`) and the reason.
 */
export function checkEraseAllowed(record: LoadRecordView, stationCountry: string): void {
  const { job } = record;
  const state = `${job.locationCode}/${job.progressCode}${job.isCanceled ? ', canceled' : ''}`;
  if (!manifestAsksErase(record, state, stationCountry)) {
    throw refusal(state, 'its manifest says eraseDevice: no, so the device is returned as it came');
  }
  if (job.isCanceled) {
    throw refusal(state, 'the customer canceled the job, so the device is returned as it came');
  }
  if (job.locationCode !== 'AtAWS') {
    throw refusal(state, 'the device is no longer at the station');
  }
  if (FAILED_INSPECTION.has(job.progressCode)) {
    throw refusal(
      state,
      `the inspection failed (${job.progressCode}): nothing was loaded, so the device is returned as it came, not erased`,
    );
  }
  if (!LOADED.has(job.progressCode) || !record.finished) {
    throw refusal(
      state,
      'the load has not finished: erase after station load ends with Success or SuccessWithErrors',
    );
  }
}
