import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { StoreShippingLabels } from '../../../src/api/labels/index.js';
import { checkLabelLink, deriveLabelUrlKey, parseLinkQuery } from '../../../src/api/labels/label-url.js';
import { expireDueJobs } from '../../../src/jobs/index.js';
import { codeOf } from '../../helpers/catalog-codes.js';
import { sqlOf } from '../../contract/store-fixtures.js';
import { importManifest, makeServices, type TestServices } from '../../helpers/services.js';
import { ADDRESS, BASE_URL, customerWithJobs, labelsFor } from './label-fixtures.js';

let s: TestServices;
let labels: StoreShippingLabels;
beforeAll(async () => {
  s = await makeServices();
  labels = labelsFor(s);
});
afterAll(() => s.close());

/** The label a URL names, read back from the store. */
async function labelOf(url: string) {
  const labelId = /\/labels\/([A-Za-z0-9_-]+)\.pdf\?/.exec(url)?.[1];
  expect(labelId).toBeDefined();
  return s.store.getShippingLabel(labelId!);
}

async function rejection(promise: Promise<unknown>): Promise<CatalogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  return err as CatalogError;
}

describe('StoreShippingLabels.issue', () => {
  it('records the label and returns a signed URL valid for 7 days by default', async () => {
    const c = await customerWithJobs(s, 2);
    const issued = await labels.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, `${BASE_URL}/`);
    expect(issued.warning).toBeNull();
    expect(issued.url).toMatch(
      new RegExp(`^${BASE_URL}/labels/[A-Za-z0-9_-]{22}\\.pdf\\?Expires=\\d+&Signature=[A-Za-z0-9_-]{43}$`),
    );
    const label = await labelOf(issued.url);
    expect(label).toEqual({
      labelId: expect.any(String),
      owner: c.key,
      jobIds: c.jobIds,
      address: ADDRESS,
      createdAt: s.clock.now(),
    });
    const query = parseLinkQuery(Object.fromEntries(new URL(issued.url).searchParams))!;
    expect(query.expires).toBe(s.clock.now().getTime() / 1000 + 604_800);
    const link = { labelId: label!.labelId, owner: c.key, expires: query.expires };
    expect(checkLabelLink(deriveLabelUrlKey(s.signingKey), link, query.signature, s.clock.now())).toBe('ok');
  });

  it('honours the configured lifetime and issues a new label each time', async () => {
    const c = await customerWithJobs(s, 1);
    const short = labelsFor(s, 60);
    const first = await short.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
    const second = await short.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
    expect(new URL(first.url).searchParams.get('Expires')).toBe(String(s.clock.now().getTime() / 1000 + 60));
    expect((await labelOf(first.url))!.labelId).not.toBe((await labelOf(second.url))!.labelId);
  });

  it('takes job IDs in any case, comma-separated too, and keeps each job once in the order given', async () => {
    const c = await customerWithJobs(s, 3);
    const [a, b, d] = c.jobIds as [string, string, string];
    const issued = await labels.issue(
      { caller: c.key, jobIds: [`${d.toLowerCase()}, ${a}`, ` ${b} `, a], address: ADDRESS },
      BASE_URL,
    );
    expect((await labelOf(issued.url))!.jobIds).toEqual([d, a, b]);
  });

  it('needs 1 to 50 job IDs', async () => {
    const c = await customerWithJobs(s, 1);
    const none = await rejection(labels.issue({ caller: c.key, jobIds: [], address: ADDRESS }, BASE_URL));
    expect(none.code).toBe('MissingParameterException');
    expect(none.params).toEqual({ parameter: 'jobIds' });
    const blank = labels.issue({ caller: c.key, jobIds: [' ', ','], address: ADDRESS }, BASE_URL);
    expect(await codeOf(blank)).toBe('MissingParameterException');
    const many = await rejection(
      labels.issue({ caller: c.key, jobIds: Array(51).fill(c.jobIds[0]), address: ADDRESS }, BASE_URL),
    );
    expect(many.code).toBe('InvalidParameterException');
    expect(many.params).toEqual({ parameter: 'jobIds' });
  });

  it('refuses malformed, unknown and other accounts’ job IDs with InvalidJobIdException', async () => {
    const c = await customerWithJobs(s, 1);
    const other = await customerWithJobs(s, 1);
    for (const jobId of ['nope', 'ZZZZZ', '00000', other.jobIds[0]!]) {
      const err = await rejection(
        labels.issue({ caller: c.key, jobIds: [c.jobIds[0]!, jobId], address: ADDRESS }, BASE_URL),
      );
      expect(err.code).toBe('InvalidJobIdException');
      expect(err.details).toEqual({ jobId });
    }
  });

  it('refuses a canceled job with CanceledJobIdException', async () => {
    const c = await customerWithJobs(s, 2);
    await s.jobs.cancelJob(c.key, c.jobIds[1]!, 'test');
    const issue = labels.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
    expect(await codeOf(issue)).toBe('CanceledJobIdException');
  });

  it('checks the caller: unknown key, not signed up, account problem', async () => {
    const c = await customerWithJobs(s, 1);
    const request = { caller: c.key, jobIds: c.jobIds, address: ADDRESS };
    expect(await codeOf(labels.issue({ ...request, caller: 'LSIAUNKNOWN000000000' }, BASE_URL))).toBe(
      'InvalidClientTokenId',
    );
    await s.accounts.updateAccount(c.key, { signedUp: false });
    expect(await codeOf(labels.issue(request, BASE_URL))).toBe('NotSignedUp');
    await s.accounts.updateAccount(c.key, { signedUp: true, problem: true });
    expect(await codeOf(labels.issue(request, BASE_URL))).toBe('AccountProblem');
  });

  it('refuses a bad address with InvalidAddressException naming the fields, and records nothing', async () => {
    const c = await customerWithJobs(s, 1);
    const err = await rejection(
      labels.issue(
        {
          caller: c.key,
          jobIds: c.jobIds,
          address: { ...ADDRESS, company: ' ', stateOrProvince: undefined },
        },
        BASE_URL,
      ),
    );
    expect(err.code).toBe('InvalidAddressException');
    expect(err.params.fields).toBe('company, stateOrProvince');
    const rows = await sqlOf(s.store).query('SELECT 1 FROM shipping_labels WHERE owner = $1', [c.key]);
    expect(rows).toEqual([]);
  });

  it('checks the jobs before the address', async () => {
    const c = await customerWithJobs(s, 1);
    const issue = labels.issue({ caller: c.key, jobIds: ['ZZZZZ'], address: { name: 'x' } }, BASE_URL);
    expect(await codeOf(issue)).toBe('InvalidJobIdException');
  });

  it('warns about a job whose device the station already received', async () => {
    const c = await customerWithJobs(s, 2);
    await s.station.receiveDevice(c.jobIds[1]!, 'station:test');
    const issued = await labels.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
    expect(issued.warning).toContain(`job ${c.jobIds[1]}`);
    expect(issued.warning).toContain('already received');
  });
});

describe('the return address from the manifests', () => {
  const johnDoe = (bucket: string) =>
    importManifest(bucket)
      .replace('Jane Roe', 'John Doe')
      .replace('1 Main St', '9 Elm St\n  company: Doe Inc');

  it('is used when no address parameter is given', async () => {
    const c = await customerWithJobs(s, 2);
    const issued = await labels.issue(
      { caller: c.key, jobIds: c.jobIds, address: { street2: '  ' } },
      BASE_URL,
    );
    expect(issued.warning).toBeNull();
    expect((await labelOf(issued.url))!.address).toEqual({
      name: 'Jane Roe',
      street1: '1 Main St',
      city: 'Springfield',
      stateOrProvince: 'OR',
      postalCode: '97477',
      phoneNumber: '555-0100',
      country: 'US',
    });
  });

  it('is the first job’s when the jobs disagree, with a warning', async () => {
    const c = await customerWithJobs(s, 3, (bucket, i) =>
      i === 1 ? johnDoe(bucket) : importManifest(bucket),
    );
    const [first, second, third] = c.jobIds as [string, string, string];
    const issued = await labels.issue(
      { caller: c.key, jobIds: [second, first, third], address: {} },
      BASE_URL,
    );
    const label = await labelOf(issued.url);
    expect(label!.address).toMatchObject({ name: 'John Doe', company: 'Doe Inc', street1: '9 Elm St' });
    expect(issued.warning).toContain(`jobs ${first}, ${third}`);
    expect(issued.warning).toContain(`the one of job ${second}`);
  });

  it('is the current manifest’s, after UpdateJob', async () => {
    const c = await customerWithJobs(s, 1);
    await s.jobs.updateJob({
      caller: c.key,
      jobId: c.jobIds[0]!,
      jobType: 'Import',
      manifestText: johnDoe(c.bucket),
      validateOnly: false,
      actor: 'test',
    });
    const issued = await labels.issue({ caller: c.key, jobIds: c.jobIds, address: {} }, BASE_URL);
    expect((await labelOf(issued.url))!.address.name).toBe('John Doe');
  });

  it('is not used when an address is given', async () => {
    const c = await customerWithJobs(s, 1);
    const issued = await labels.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
    expect((await labelOf(issued.url))!.address).toEqual(ADDRESS);
  });
});

describe('expired jobs', () => {
  it('are refused with ExpiredJobIdException', async () => {
    const own = await makeServices();
    try {
      const c = await customerWithJobs(own, 2);
      own.clock.advanceDays(31);
      expect(await expireDueJobs({ store: own.store, expiryDays: 30, now: own.clock.now })).toHaveLength(2);
      const issue = labelsFor(own).issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, BASE_URL);
      expect(await codeOf(issue)).toBe('ExpiredJobIdException');
    } finally {
      await own.close();
    }
  });
});
