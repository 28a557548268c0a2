import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../accounts/index.js';
import { createBucketSchema, grantBucketSchema, listBucketsSchema } from './schemas.js';
import type { CreateBucketBody, GrantBucketBody } from './wire.js';

/**
 * `POST /buckets` -> 201 `{bucket}`; `POST /buckets/:name/grants` -> 200 `{bucket}`;
 * `GET /buckets` -> 200 `{buckets}`. Codes: those of AccountsService (InvalidBucketName,
 * BucketAlreadyExists, BucketAlreadyOwnedByYou, NoSuchBucket, InvalidClientTokenId, ...).
 */
export function registerBucketRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post<{ Body: CreateBucketBody }>('/buckets', { schema: createBucketSchema }, async (request, reply) => {
    const bucket = await accounts.createBucket(request.body.name, request.body.owner);
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
