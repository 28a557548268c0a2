import { randomBytes } from 'node:crypto';
import { SecretBox, StoreAccountsService, type AccountsService } from '../../src/accounts/index.js';
import { JobService, StationJobs } from '../../src/jobs/index.js';
import { openStore, type Store } from '../../src/store/index.js';

/** A settable clock for tests. */
export class TestClock {
  constructor(public current = new Date('2026-03-02T10:00:00Z')) {}
  now = (): Date => new Date(this.current);
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface TestServices {
  store: Store;
  accounts: StoreAccountsService;
  jobs: JobService;
  station: StationJobs;
  clock: TestClock;
  signingKey: Buffer;
  close(): Promise<void>;
}

/** The real services over an in-memory embedded store. */
export async function makeServices(options: { quota?: number; store?: Store } = {}): Promise<TestServices> {
  const store = options.store ?? (await openStore({ inMemory: true }));
  const clock = new TestClock();
  const signingKey = randomBytes(32);
  const accounts = new StoreAccountsService({
    store,
    secrets: new SecretBox(randomBytes(32)),
    defaultRegion: 'us-east-1',
    now: clock.now,
  });
  const jobs = new JobService({
    store,
    signingKey,
    createJobQuota: options.quota ?? 50,
    stationCountry: 'US',
    expiredRetentionDays: 30,
    now: clock.now,
  });
  const station = new StationJobs({ store, signingKey, now: clock.now });
  return { store, accounts, jobs, station, clock, signingKey, close: () => store.close() };
}

/** A valid import manifest (reference §2.8) for `bucket`, with optional extra lines. */
export function importManifest(bucket: string, extra = ''): string {
  return `manifestVersion: 2.0
bucket: ${bucket}
deviceId: WD-12345
eraseDevice: yes
returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
${extra}`;
}

/** An account with a bucket it owns. */
export async function customerWithBucket(
  services: { accounts: AccountsService },
  bucket: string,
): Promise<{ key: string; secret: string }> {
  const created = await services.accounts.createAccount({ emails: [`${bucket}@example.org`] });
  await services.accounts.createBucket(bucket, created.accessKeyId);
  return { key: created.accessKeyId, secret: created.secretAccessKey };
}
