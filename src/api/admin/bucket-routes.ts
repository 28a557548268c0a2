import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../accounts/index.js';
import { CatalogError } from '../../catalog/index.js';
import { createBucketSchema, grantBucketSchema, listBucketsSchema } from './schemas.js';
import type { CreateBucketBody, GrantBucketBody } from './wire.js';

/** Where buckets are created for real (DECISIONS §8: the S3 target, or the embedded store). */
export interface BucketStorage {
  /** Creates the bucket, or adopts an existing one the service's credentials own. */
  createBucket(name: string): Promise<void>;
}

/**
 * The bucket record, then the bucket in storage. Asking again for a bucket already recorded for the
 * same owner (BucketAlreadyOwnedByYou) still makes sure it exists in storage, so an interrupted
 * creation is repaired by running the command again.
 */
async function createBucket(
  accounts: AccountsService,
  storage: BucketStorage | undefined,
  name: string,
  owner: string,
) {
  try {
    const bucket = await accounts.createBucket(name, owner);
    await storage?.createBucket(name);
    return bucket;
  } catch (err) {
    if (err instanceof CatalogError && err.code === 'BucketAlreadyOwnedByYou')
      await storage?.createBucket(name);
    throw err;
  }
}

/**
 * `POST /buckets` -> 201 `{bucket}`; `POST /buckets/:name/grants` -> 200 `{bucket}`;
 * `GET /buckets` -> 200 `{buckets}`. Codes: those of AccountsService (InvalidBucketName,
 * BucketAlreadyExists, BucketAlreadyOwnedByYou, NoSuchBucket, InvalidClientTokenId, ...).
 */
export function registerBucketRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  storage?: BucketStorage,
): void {
  app.post<{ Body: CreateBucketBody }>('/buckets', { schema: createBucketSchema }, async (request, reply) => {
    const bucket = await createBucket(accounts, storage, request.body.name, request.body.owner);
    return reply.code(201).send({ bucket });
  });

  app.post<{ Params: { name: string }; Body: GrantBucketBody }>(
    '/buckets/:name/grants',
    { schema: grantBucketSchema },
    async (request) => ({
      bucket: await accounts.grantBucket(request.params.name, request.body.accessKeyId),
    }),
  );

  app.get('/buckets', { schema: listBucketsSchema }, async () => ({ buckets: await accounts.listBuckets() }));
}
