import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import { checkEraseAllowed } from '../../../../src/station/erase/index.js';
import type { LoadRecordView, StationJobView } from '../../../../src/station/index.js';

const MANIFEST = (erase: 'yes' | 'no') => `manifestVersion: 2.0
bucket: photos
deviceId: WD-12345
eraseDevice: ${erase}
returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
`;

function record(job: Partial<StationJobView>, extra: Partial<LoadRecordView> = {}): LoadRecordView {
  return {
    job: {
      jobId: 'K7M2P',
      locationCode: 'AtAWS',
      locationMessage: 'at the station',
      progressCode: 'Success',
      progressMessage: 'loaded',
      isCanceled: false,
      ...job,
    },
    manifestText: MANIFEST('yes'),
    device: { path: '/dev/sdc', volumeOffset: 1048576, fileSystem: 'NTFS', warnings: [] },
    figures: null,
    finished: true,
    ...extra,
  };
}

function refusal(view: LoadRecordView): { state: string; reason: string } {
  let caught: unknown;
  try {
    checkEraseAllowed(view, 'US');
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CatalogError);
  expect((caught as CatalogError).code).toBe('InvalidJobState');
  return (caught as CatalogError).details as { state: string; reason: string };
}

describe('checkEraseAllowed', () => {
  it('allows a finished load whose manifest says eraseDevice: yes', () => {
    expect(() => checkEraseAllowed(record({}), 'US')).not.toThrow();
    expect(() => checkEraseAllowed(record({ progressCode: 'SuccessWithErrors' }), 'US')).not.toThrow();
  });

  it('refuses when the manifest says eraseDevice: no (or leaves it out)', () => {
    expect(refusal(record({}, { manifestText: MANIFEST('no') }))).toEqual({
      state: 'AtAWS/Success',
      reason: 'its manifest says eraseDevice: no, so the device is returned as it came',
    });
    const without = MANIFEST('yes').replace('eraseDevice: yes\n', '');
    expect(refusal(record({}, { manifestText: without })).reason).toMatch(/eraseDevice: no/);
  });

  it('refuses a load that has not finished', () => {
    for (const progressCode of ['Pending', 'InProgress'] as const) {
      const details = refusal(record({ progressCode }, { finished: false }));
      expect(details.state).toBe(`AtAWS/${progressCode}`);
      expect(details.reason).toMatch(/the load has not finished/);
    }
  });

  it('refuses a device whose inspection failed: it is returned as it came', () => {
    const details = refusal(record({ progressCode: 'MissingSignature' }, { finished: false }));
    expect(details.reason).toBe(
      'the inspection failed (MissingSignature): nothing was loaded, so the device is returned as it came, not erased',
    );
  });

  it('refuses a canceled job and a device already returned', () => {
    expect(refusal(record({ isCanceled: true })).state).toBe('AtAWS/Success, canceled');
    expect(refusal(record({ locationCode: 'Returned' })).reason).toMatch(/no longer at the station/);
  });

  it('refuses a manifest that no longer parses, naming the issue', () => {
    expect(refusal(record({}, { manifestText: 'bucket: [' })).reason).toMatch(
      /cannot be read as an import manifest \(MalformedManifestException/,
    );
  });
});
