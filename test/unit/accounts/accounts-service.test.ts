import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissions } from '../../../src/accounts/index.js';
import { codeOf } from '../../helpers/catalog-codes.js';
import { makeServices, type TestServices } from '../../helpers/services.js';

let s: TestServices;
let permissions: Permissions;
beforeAll(async () => {
  s = await makeServices();
  permissions = new Permissions(s.store);
});
afterAll(() => s.close());

describe('accounts', () => {
  it('creates keys whose secret is stored sealed and can be read back for signing', async () => {
    const created = await s.accounts.createAccount({
      emails: ['Ops@Example.org', 'ops@example.org'],
      name: 'Ops',
    });
    expect(created.account.emails).toEqual(['ops@example.org']);
    expect(created.account).not.toHaveProperty('secretCiphertext');
    const row = await s.store.getAccount(created.accessKeyId);
    expect(row!.secretCiphertext).not.toContain(created.secretAccessKey);
    expect(await s.accounts.secretOf(created.accessKeyId)).toBe(created.secretAccessKey);
    expect(await s.accounts.secretOf('LSIAUNKNOWNUNKNOWN00')).toBeNull();
  });

  it('validates input with catalog codes', async () => {
    expect(await codeOf(s.accounts.createAccount({ emails: [] }))).toBe('MissingParameterException');
    expect(await codeOf(s.accounts.createAccount({ emails: ['not an address'] }))).toBe(
      'InvalidParameterException',
    );
    expect(await codeOf(s.accounts.updateAccount('short', { problem: true }))).toBe(
      'InvalidParameterException',
    );
    expect(await codeOf(s.accounts.updateAccount('LSIAUNKNOWNUNKNOWN00', { problem: true }))).toBe(
      'InvalidClientTokenId',
    );
  });

  it('resolves senders: InvalidSender, NotSignedUp, AccountProblem', async () => {
    const created = await s.accounts.createAccount({ emails: ['sender@example.org'], signedUp: false });
    expect(await codeOf(permissions.accountForSender('nobody@example.org'))).toBe('InvalidSender');
    expect(await codeOf(permissions.accountForSender('SENDER@example.org'))).toBe('NotSignedUp');
    await s.accounts.updateAccount(created.accessKeyId, { signedUp: true, problem: true });
    expect(await codeOf(permissions.accountForSender('sender@example.org'))).toBe('AccountProblem');
    await s.accounts.updateAccount(created.accessKeyId, { problem: false });
    expect((await permissions.accountForSender('sender@example.org')).accessKeyId).toBe(created.accessKeyId);
    expect(await codeOf(permissions.accountForKey('LSIAUNKNOWNUNKNOWN00'))).toBe('InvalidClientTokenId');
  });
});

describe('buckets', () => {
  it('have an owner and write grants', async () => {
    const owner = await s.accounts.createAccount({ emails: ['owner@example.org'] });
    const friend = await s.accounts.createAccount({ emails: ['friend@example.org'] });
    await s.accounts.createBucket('shared-photos', owner.accessKeyId);
    expect(await codeOf(permissions.writableBucket('shared-photos', friend.accessKeyId))).toBe(
      'BucketPermissionException',
    );
    await s.accounts.grantBucket('shared-photos', friend.accessKeyId);
    await s.accounts.grantBucket('shared-photos', friend.accessKeyId);
    const bucket = await permissions.writableBucket('shared-photos', friend.accessKeyId);
    expect(bucket.grants).toEqual([friend.accessKeyId]);
    expect(await codeOf(permissions.writableBucket('missing-bucket', owner.accessKeyId))).toBe(
      'NoSuchBucketException',
    );
  });

  it('refuse bad names, duplicates, unknown owners', async () => {
    const owner = await s.accounts.createAccount({ emails: ['o2@example.org'] });
    const other = await s.accounts.createAccount({ emails: ['o3@example.org'] });
    expect(await codeOf(s.accounts.createBucket('Bad_Name', owner.accessKeyId))).toBe('InvalidBucketName');
    expect(await codeOf(s.accounts.createBucket('192.168.1.1', owner.accessKeyId))).toBe('InvalidBucketName');
    await s.accounts.createBucket('taken-name', owner.accessKeyId);
    expect(await codeOf(s.accounts.createBucket('taken-name', owner.accessKeyId))).toBe(
      'BucketAlreadyOwnedByYou',
    );
    expect(await codeOf(s.accounts.createBucket('taken-name', other.accessKeyId))).toBe(
      'BucketAlreadyExists',
    );
    expect(await codeOf(s.accounts.createBucket('fresh-name', 'LSIAUNKNOWNUNKNOWN00'))).toBe(
      'InvalidClientTokenId',
    );
    expect(await codeOf(s.accounts.grantBucket('no-such-bucket', owner.accessKeyId))).toBe('NoSuchBucket');
  });
});
