import { CatalogError } from '../catalog/index.js';
import type { AccountRecord, BucketRecord, Store } from '../store/index.js';

/**
 * The permission checks every channel runs, in DECISIONS §5 order. Codes are the API's
 * spelling; the e-mail channel maps them with emailCodeFor().
 */
export class Permissions {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The account behind an access key: InvalidClientTokenId when unknown. */
  async accountForKey(accessKeyId: string): Promise<AccountRecord> {
    const account = await this.#store.getAccount(accessKeyId);
    if (!account) throw new CatalogError('InvalidClientTokenId');
    return account;
  }

  /**
   * The account that registered this sender address and is signed up: InvalidSender when no
   * account registered it, NotSignedUp / AccountProblem for the account's flags.
   */
  async accountForSender(email: string): Promise<AccountRecord> {
    const accounts = await this.#store.findAccountsByEmail(email.trim().toLowerCase());
    if (accounts.length === 0) throw new CatalogError('InvalidSender');
    const signedUp = accounts.find((a) => a.signedUp) ?? accounts[0]!;
    checkStanding(signedUp);
    return signedUp;
  }

  /** NoSuchBucketException, or BucketPermissionException when the account may not write. */
  async writableBucket(name: string, accessKeyId: string): Promise<BucketRecord> {
    const bucket = requireBucket(name, await this.#store.getBucket(name));
    requireWritable(bucket, accessKeyId);
    return bucket;
  }
}

/** NotSignedUp, then AccountProblem. */
export function checkStanding(account: AccountRecord): void {
  if (!account.signedUp) throw new CatalogError('NotSignedUp');
  if (account.problem) throw new CatalogError('AccountProblem');
}

/** NoSuchBucketException when the lookup found nothing. */
export function requireBucket(name: string, bucket: BucketRecord | null): BucketRecord {
  if (!bucket) throw new CatalogError('NoSuchBucketException', { bucket: name }, { bucket: name });
  return bucket;
}

/** BucketPermissionException unless the account owns the bucket or was granted it. */
export function requireWritable(bucket: BucketRecord, accessKeyId: string): void {
  if (!canWrite(bucket, accessKeyId)) {
    throw new CatalogError('BucketPermissionException', { bucket: bucket.name }, { bucket: bucket.name });
  }
}

export function canWrite(bucket: BucketRecord, accessKeyId: string): boolean {
  return bucket.owner === accessKeyId || bucket.grants.includes(accessKeyId);
}
