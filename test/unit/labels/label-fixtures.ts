import type { LabelAddress } from '../../../src/api/labels/index.js';
import { StoreShippingLabels } from '../../../src/api/labels/index.js';
import { customerWithBucket, importManifest, type TestServices } from '../../helpers/services.js';

/** A complete GetShippingLabel address (reference §1.2: the tool's required fields, and a state for US). */
export const ADDRESS: Required<Omit<LabelAddress, 'street2' | 'street3'>> = {
  name: 'Ada Lovelace',
  company: 'Analytical Engines Ltd',
  street1: '12 St James Square',
  city: 'Portland',
  stateOrProvince: 'OR',
  postalCode: '97201',
  phoneNumber: '+1 503 555 0199',
  country: 'US',
};

export const STATION_ADDRESS = ['Longshore loading station', '1 Dock Road', 'Springfield, OR 97477', 'USA'];
export const BASE_URL = 'https://longshore.example.test';

/** StoreShippingLabels over the test services, with their clock and signing key. */
export function labelsFor(s: TestServices, urlTtlSeconds?: number): StoreShippingLabels {
  return new StoreShippingLabels({
    store: s.store,
    signingKey: s.signingKey,
    urlTtlSeconds,
    now: s.clock.now,
  });
}

let bucketSeq = 0;

/** A new customer with a bucket, and `jobs` import jobs created through JobService. */
export async function customerWithJobs(
  s: TestServices,
  jobs: number,
  manifest: (bucket: string, i: number) => string = (bucket) => importManifest(bucket),
): Promise<{ key: string; bucket: string; jobIds: string[] }> {
  const bucket = `labels-${process.pid}-${++bucketSeq}`;
  const { key } = await customerWithBucket(s, bucket);
  const jobIds: string[] = [];
  for (let i = 0; i < jobs; i++) {
    const created = await s.jobs.createJob({
      caller: key,
      jobType: 'Import',
      manifestText: manifest(bucket, i),
      validateOnly: false,
      actor: 'test',
    });
    jobIds.push(created.jobId!);
  }
  return { key, bucket, jobIds };
}
