import { CatalogError, invalidParameter } from '../catalog/index.js';
import type { AccountRecord, Store } from '../store/index.js';
import { generateAccessKeyId, generateSecretAccessKey, isAccessKeyId } from './access-keys.js';
import type { SecretBox } from './secret-box.js';
import type {
  Account,
  AccountsService,
  Bucket,
  CreateAccountInput,
  NewAccountKeys,
  UpdateAccountInput,
} from './types.js';
import { isValidBucketName, normaliseEmails } from './validation.js';

export interface AccountsDeps {
  store: Store;
  secrets: SecretBox;
  /** Region recorded for new buckets (MultipleRegions compares these). */
  defaultRegion: string;
  now?: () => Date;
}

function publicView(record: AccountRecord): Account {
  const { secretCiphertext: _hidden, ...account } = record;
  return account;
}

/** Store-backed accounts and buckets. See AccountsService for the codes it produces. */
export class StoreAccountsService implements AccountsService {
  readonly #deps: AccountsDeps;

  constructor(deps: AccountsDeps) {
    this.#deps = deps;
  }

  async createAccount(input: CreateAccountInput): Promise<NewAccountKeys> {
    const emails = normaliseEmails(input.emails);
    const secretAccessKey = generateSecretAccessKey();
    const record: AccountRecord = {
      accessKeyId: generateAccessKeyId(),
      secretCiphertext: this.#deps.secrets.seal(secretAccessKey),
      name: input.name?.trim() || emails[0]!,
      emails,
      signedUp: input.signedUp ?? true,
      problem: false,
      createdAt: this.#now(),
    };
    await this.#deps.store.insertAccount(record);
    return { account: publicView(record), accessKeyId: record.accessKeyId, secretAccessKey };
  }

  async updateAccount(accessKeyId: string, input: UpdateAccountInput): Promise<Account> {
    this.#checkKeyShape(accessKeyId);
    const patch = { ...input, ...(input.emails ? { emails: normaliseEmails(input.emails) } : {}) };
    const updated = await this.#deps.store.updateAccount(accessKeyId, patch);
    if (!updated) throw new CatalogError('InvalidClientTokenId');
    return publicView(updated);
  }

  async getAccount(accessKeyId: string): Promise<Account | null> {
    const record = await this.#deps.store.getAccount(accessKeyId);
    return record ? publicView(record) : null;
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.#deps.store.listAccounts()).map(publicView);
  }

  async secretOf(accessKeyId: string): Promise<string | null> {
    const record = await this.#deps.store.getAccount(accessKeyId);
    return record ? this.#deps.secrets.open(record.secretCiphertext) : null;
  }

  async createBucket(name: string, owner: string, region?: string): Promise<Bucket> {
    if (!isValidBucketName(name)) throw new CatalogError('InvalidBucketName');
    await this.#requireAccount(owner);
    const bucket = {
      name,
      owner,
      region: region ?? this.#deps.defaultRegion,
      grants: [],
      createdAt: this.#now(),
    };
    if (await this.#deps.store.insertBucket(bucket)) return bucket;
    const existing = await this.#deps.store.getBucket(name);
    if (existing?.owner === owner) throw new CatalogError('BucketAlreadyOwnedByYou');
    throw new CatalogError('BucketAlreadyExists');
  }

  async grantBucket(name: string, accessKeyId: string): Promise<Bucket> {
    await this.#requireAccount(accessKeyId);
    const bucket = await this.#deps.store.grantBucket(name, accessKeyId);
    if (!bucket) throw new CatalogError('NoSuchBucket');
    return bucket;
  }

  async listBuckets(): Promise<Bucket[]> {
    return this.#deps.store.listBuckets();
  }

  #checkKeyShape(accessKeyId: string): void {
    if (!isAccessKeyId(accessKeyId)) {
      throw invalidParameter('accessKeyId', accessKeyId);
    }
  }

  async #requireAccount(accessKeyId: string): Promise<AccountRecord> {
    this.#checkKeyShape(accessKeyId);
    const account = await this.#deps.store.getAccount(accessKeyId);
    if (!account) throw new CatalogError('InvalidClientTokenId');
    return account;
  }

  #now(): Date {
    return (this.#deps.now ?? (() => new Date()))();
  }
}
