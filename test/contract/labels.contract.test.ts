import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShippingLabelRecord, Store } from '../../src/store/index.js';
import { storeFactories } from '../helpers/databases.js';
import { account, countRows, job, minutes, mustCreate, sqlOf, T0 } from './store-fixtures.js';

function label(labelId: string, fields: Partial<ShippingLabelRecord> = {}): ShippingLabelRecord {
  return {
    labelId,
    owner: 'AKOWNER',
    jobIds: ['AAAA1'],
    address: {
      name: 'Jane Roe',
      company: 'Roe & Daughters, "Inc."',
      street1: '1 Main St',
      city: 'Springfield',
      stateOrProvince: 'OR',
      postalCode: '97477',
      phoneNumber: '+1 555-0100',
      country: 'US',
    },
    createdAt: minutes(3),
    ...fields,
  };
}

describe.each(storeFactories())('Store contract, shipping labels: $name', (factory) => {
  let store: Store;

  beforeEach(async () => {
    store = await factory.open();
    await store.insertAccount(account('AKOWNER'));
    await store.insertAccount(account('AKOTHER', { createdAt: minutes(1) }));
    for (const [i, jobId] of ['AAAA1', 'BBBB2', 'CCCC3'].entries()) {
      await mustCreate(store, job(jobId, 'AKOWNER', minutes(i)));
    }
  });

  afterEach(async () => {
    await store?.close();
  });

  it('returns an inserted label exactly, and null for an unknown ID', async () => {
    const record = label('x_3-Ab9Zq0123456789abcd', { jobIds: ['CCCC3', 'AAAA1', 'BBBB2'] });
    await store.insertShippingLabel(record);
    expect(await store.getShippingLabel(record.labelId)).toEqual(record);
    expect(await store.getShippingLabel('nope')).toBeNull();
    // IDs are case-sensitive (base64url).
    expect(await store.getShippingLabel(record.labelId.toUpperCase())).toBeNull();
  });

  it('keeps optional address lines absent and non-ASCII text intact', async () => {
    const record = label('L2', {
      address: {
        name: 'Zoë Ñúñez 東京',
        street1: 'Hauptstraße 5',
        street2: 'Hinterhaus',
        city: 'München',
        postalCode: '80331',
        phoneNumber: '+49 89 123456',
        country: 'DE',
      },
    });
    await store.insertShippingLabel(record);
    const read = await store.getShippingLabel('L2');
    expect(read).toEqual(record);
    expect(Object.keys(read!.address).sort()).toEqual(Object.keys(record.address).sort());
  });

  it('keeps several labels for one job, and labels of several owners apart', async () => {
    await store.insertShippingLabel(label('L1', { createdAt: T0 }));
    await store.insertShippingLabel(label('L2', { jobIds: ['AAAA1', 'BBBB2'] }));
    await mustCreate(store, job('DDDD4', 'AKOTHER', minutes(9)));
    await store.insertShippingLabel(label('L3', { owner: 'AKOTHER', jobIds: ['DDDD4'] }));
    expect((await store.getShippingLabel('L1'))?.jobIds).toEqual(['AAAA1']);
    expect((await store.getShippingLabel('L2'))?.jobIds).toEqual(['AAAA1', 'BBBB2']);
    expect((await store.getShippingLabel('L3'))?.owner).toBe('AKOTHER');
    expect(await countRows(store, 'shipping_label_jobs')).toBe(4);
  });

  it('refuses a taken label ID and leaves the first label as it was', async () => {
    await store.insertShippingLabel(label('DUP'));
    await expect(store.insertShippingLabel(label('DUP', { jobIds: ['BBBB2'] }))).rejects.toThrow();
    expect((await store.getShippingLabel('DUP'))?.jobIds).toEqual(['AAAA1']);
    expect(await countRows(store, 'shipping_label_jobs')).toBe(1);
  });

  it('inserts nothing when a job or the owner does not exist (one transaction)', async () => {
    await expect(store.insertShippingLabel(label('BAD1', { jobIds: ['AAAA1', 'ZZZZ9'] }))).rejects.toThrow();
    await expect(store.insertShippingLabel(label('BAD2', { owner: 'AKMISSING' }))).rejects.toThrow();
    await expect(store.insertShippingLabel(label('BAD3', { jobIds: ['AAAA1', 'AAAA1'] }))).rejects.toThrow();
    expect(await store.getShippingLabel('BAD1')).toBeNull();
    expect(await store.getShippingLabel('BAD2')).toBeNull();
    expect(await store.getShippingLabel('BAD3')).toBeNull();
    expect(await countRows(store, 'shipping_labels')).toBe(0);
    expect(await countRows(store, 'shipping_label_jobs')).toBe(0);
  });

  it('stores the address as jsonb', async () => {
    await store.insertShippingLabel(label('J1'));
    const [row] = await sqlOf(store).query<{ city: string; kind: string }>(
      "SELECT address->>'city' AS city, jsonb_typeof(address) AS kind FROM shipping_labels WHERE label_id = 'J1'",
    );
    expect(row).toEqual({ city: 'Springfield', kind: 'object' });
  });
});
