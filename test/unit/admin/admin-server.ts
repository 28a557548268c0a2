import Fastify from 'fastify';
import { registerAdminRoutes } from '../../../src/api/admin/index.js';
import { FakeAccounts } from './fake-accounts.js';
import { FakeJobs } from './fake-jobs.js';

export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestAdminServer {
  url: string;
  accounts: FakeAccounts;
  jobs: FakeJobs;
  logged: unknown[];
  close(): Promise<void>;
}

/** A real fastify instance with the admin routes over the fake services, listening on 127.0.0.1:0. */
export async function startAdminServer(): Promise<TestAdminServer> {
  const accounts = new FakeAccounts();
  const jobs = new FakeJobs();
  const logged: unknown[] = [];
  const app = Fastify({ logger: false });
  await registerAdminRoutes(app, {
    accounts,
    jobs,
    adminToken: TEST_TOKEN,
    logError: (err) => logged.push(err),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, accounts, jobs, logged, close: () => app.close() };
}
