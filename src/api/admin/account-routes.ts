import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../accounts/index.js';
import { missingParameter } from '../../catalog/index.js';
import { createAccountSchema, listAccountsSchema, updateAccountSchema } from './schemas.js';
import type { CreateAccountBody, UpdateAccountBody } from './wire.js';

const UPDATABLE_FIELDS = 'name, emails, signedUp or problem';

/**
 * `POST /accounts` -> 201 `{account, accessKeyId, secretAccessKey}`;
 * `PATCH /accounts/:accessKeyId` -> 200 `{account}`; `GET /accounts` -> 200 `{accounts}`.
 * Codes: MissingParameterException (an empty update), and those of AccountsService
 * (InvalidParameterException, MissingParameterException, InvalidClientTokenId).
 */
export function registerAccountRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post<{ Body: CreateAccountBody }>(
    '/accounts',
    { schema: createAccountSchema },
    async (request, reply) => {
      const keys = await accounts.createAccount(request.body);
      return reply.code(201).send(keys);
    },
  );

  app.patch<{ Params: { accessKeyId: string }; Body: UpdateAccountBody }>(
    '/accounts/:accessKeyId',
    { schema: updateAccountSchema },
    async (request) => {
      if (Object.keys(request.body).length === 0) throw missingParameter(UPDATABLE_FIELDS);
      return { account: await accounts.updateAccount(request.params.accessKeyId, request.body) };
    },
  );

  app.get('/accounts', { schema: listAccountsSchema }, async () => ({
    accounts: await accounts.listAccounts(),
  }));
}
