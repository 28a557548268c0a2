import type { AccountRecord, BucketRecord } from '../store/index.js';

/** An account as callers see it: never the secret (see AccountsService.secretOf). */
export type Account = Omit<AccountRecord, 'secretCiphertext'>;
export type Bucket = BucketRecord;

/** What `admin account create` prints: the only time the secret is shown. */
export interface NewAccountKeys {
  account: Account;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CreateAccountInput {
  emails: string[];
  name?: string;
  signedUp?: boolean;
}

export interface UpdateAccountInput {
  name?: string;
  emails?: string[];
  signedUp?: boolean;
  problem?: boolean;
}

/**
 * Accounts, keys, registered addresses, buckets and grants, and the permission checks every
 * channel uses. Errors are CatalogErrors:
 * InvalidParameterException (bad input), InvalidClientTokenId (unknown key on lookup),
 * NotSignedUp, AccountProblem, InvalidSender, NoSuchBucket, AccessDenied, BucketAlreadyExists.
 */
export interface AccountsService {
  createAccount(input: CreateAccountInput): Promise<NewAccountKeys>;
  updateAccount(accessKeyId: string, input: UpdateAccountInput): Promise<Account>;
  getAccount(accessKeyId: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  /** The decrypted secret, for SigV2/SigV4 and SMTP AUTH; null for an unknown key. */
  secretOf(accessKeyId: string): Promise<string | null>;

  createBucket(name: string, owner: string, region?: string): Promise<Bucket>;
  grantBucket(name: string, accessKeyId: string): Promise<Bucket>;
  listBuckets(): Promise<Bucket[]>;
}
