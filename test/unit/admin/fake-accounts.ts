import { CatalogError } from '../../../src/catalog/index.js';
import type {
  Account,
  AccountsService,
  Bucket,
  CreateAccountInput,
  NewAccountKeys,
  UpdateAccountInput,
} from '../../../src/accounts/index.js';

/**
 * A FAKE standing in for the real AccountsService (src/accounts): in memory, with just enough
 * rules (unknown key -> InvalidClientTokenId, taken bucket -> BucketAlreadyExists, unknown bucket ->
 * NoSuchBucket) to exercise the admin API and CLI. It records every call for assertions.
 */
export class FakeAccounts implements AccountsService {
  readonly accounts = new Map<string, Account & { secret: string }>();
  readonly buckets = new Map<string, Bucket>();
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** When set, the next call throws it (to test error rendering). */
  failNext: unknown = null;
  #counter = 0;

  #record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext !== null) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
  }

  #public(account: Account & { secret: string }): Account {
    const { secret: _secret, ...rest } = account;
    return rest;
  }

  async createAccount(input: CreateAccountInput): Promise<NewAccountKeys> {
    this.#record('createAccount', [input]);
    this.#counter += 1;
    const accessKeyId = `LSIA${String(this.#counter).padStart(16, '0')}`;
    const secret = `secret-${this.#counter}-abcdefghijklmnopqrstuvwxyz0123`;
    const emails = input.emails.map((e) => e.toLowerCase());
    const account = {
      accessKeyId,
      name: input.name ?? emails[0]!,
      emails,
      signedUp: input.signedUp ?? true,
      problem: false,
      createdAt: new Date('2024-05-01T12:00:00Z'),
      secret,
    };
    this.accounts.set(accessKeyId, account);
    return { account: this.#public(account), accessKeyId, secretAccessKey: secret };
  }

  async updateAccount(accessKeyId: string, input: UpdateAccountInput): Promise<Account> {
    this.#record('updateAccount', [accessKeyId, input]);
    const account = this.accounts.get(accessKeyId);
    if (!account) throw new CatalogError('InvalidClientTokenId');
    Object.assign(account, input);
    return this.#public(account);
  }

  async getAccount(accessKeyId: string): Promise<Account | null> {
    const account = this.accounts.get(accessKeyId);
    return account ? this.#public(account) : null;
  }

  async listAccounts(): Promise<Account[]> {
    this.#record('listAccounts', []);
    return [...this.accounts.values()].map((a) => this.#public(a));
  }

  async secretOf(accessKeyId: string): Promise<string | null> {
    return this.accounts.get(accessKeyId)?.secret ?? null;
  }

  async createBucket(name: string, owner: string, region?: string): Promise<Bucket> {
    this.#record('createBucket', [name, owner, region]);
    if (!this.accounts.has(owner)) throw new CatalogError('InvalidClientTokenId');
    if (this.buckets.has(name)) throw new CatalogError('BucketAlreadyExists');
    const bucket = {
      name,
      owner,
      region: region ?? 'us-east-1',
      grants: [],
      createdAt: new Date('2024-05-02T08:30:00Z'),
    };
    this.buckets.set(name, bucket);
    return bucket;
  }

  async grantBucket(name: string, accessKeyId: string): Promise<Bucket> {
    this.#record('grantBucket', [name, accessKeyId]);
    if (!this.accounts.has(accessKeyId)) throw new CatalogError('InvalidClientTokenId');
    const bucket = this.buckets.get(name);
    if (!bucket) throw new CatalogError('NoSuchBucket');
    if (!bucket.grants.includes(accessKeyId)) bucket.grants.push(accessKeyId);
    return bucket;
  }

  async listBuckets(): Promise<Bucket[]> {
    this.#record('listBuckets', []);
    return [...this.buckets.values()];
  }
}
