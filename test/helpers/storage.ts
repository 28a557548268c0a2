import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { expect } from 'vitest';
import { CatalogError, entryOf, type CodeName } from '../../src/catalog/index.js';
import { openEmbeddedStore } from '../../src/storage/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

/** Opens an ObjectStore for a test suite, or null when this adapter cannot run here (the suite is skipped). */
export interface ObjectStoreFactory {
  name: string;
  open(): Promise<ObjectStore | null>;
}

/** The module of the RGW helper; loaded by name so that this file compiles before it exists. */
const RADOSGW_HELPER = './radosgw.js';

/**
 * Every ObjectStore adapter the storage contract suite runs against: the embedded store in a
 * fresh temporary folder (removed on close), and the S3 adapter against a real Ceph RADOS Gateway
 * through test/helpers/radosgw.ts. While that helper file does not exist, the s3 factory opens
 * null and its suite is skipped; once it exists, a gateway that cannot start fails the tests.
 */
export function storeFactories(): ObjectStoreFactory[] {
  return [
    { name: 'embedded', open: openTemporaryEmbeddedStore },
    { name: 's3-radosgw', open: openRadosgwIfPresent },
  ];
}

/** An embedded store in a new temporary folder; closing it removes the folder. */
export async function openTemporaryEmbeddedStore(): Promise<ObjectStore> {
  const root = await mkdtemp(join(tmpdir(), 'longshore-objects-'));
  const store = await openEmbeddedStore(root);
  const closeStore = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      await closeStore();
      await rm(root, { recursive: true, force: true });
    },
  });
}

/** A bucket name no other test of this run uses (the RGW cluster is shared by the whole run). */
export function uniqueBucketName(label: string): string {
  return `ls-${label}-${randomBytes(5).toString('hex')}`.slice(0, 63);
}

async function openRadosgwIfPresent(): Promise<ObjectStore | null> {
  let helper: { openRadosgwStore(): Promise<ObjectStore>; isRadosgwSkipped(err: unknown): boolean };
  try {
    helper = (await import(RADOSGW_HELPER)) as typeof helper;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message?.includes('/radosgw.')) return null;
    throw error;
  }
  try {
    return await helper.openRadosgwStore();
  } catch (error) {
    if (helper.isRadosgwSkipped(error)) return null; // LONGSHORE_SKIP_S3=1
    throw error;
  }
}

/** base64 of the MD5 of `body`: what Content-MD5 carries. */
export function contentMd5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/** Hex MD5 of `body`. */
export function md5Hex(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** Every byte of a stream. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An empty Buffer whose `length` claims `bytes`: lets a test ask for a body over 5 GiB, which
 * Node cannot allocate. Adapters must refuse an oversized body by its length before reading it.
 */
export function bodyClaimingLength(bytes: number): Buffer {
  return Object.defineProperty(Buffer.alloc(0), 'length', { value: bytes });
}

/** Expects `promise` to fail with the storage error `code` and the HTTP status the catalog gives it. */
export async function expectStorageError(promise: Promise<unknown>, code: CodeName): Promise<CatalogError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}, but the call succeeded`),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(CatalogError);
  const caught = error as CatalogError;
  expect(caught.code).toBe(code);
  expect(caught.details).toMatchObject({ httpStatus: entryOf(code).http });
  return caught;
}
