import Fastify, { type FastifyInstance } from 'fastify';
import { SecretBox, StoreAccountsService, type AccountsService } from '../accounts/index.js';
import { registerAdminRoutes } from '../api/admin/index.js';
import { registerLabelRoutes, StoreShippingLabels } from '../api/labels/index.js';
import { registerQueryApi } from '../api/query/index.js';
import type { ServeConfig } from '../config/index.js';
import { ExpiryScheduler, JobService, StationJobs, StationLoads } from '../jobs/index.js';
import { openConfiguredStore } from './object-store.js';
import { startMailService, type MailService } from '../mail/mail-service.js';
import { openStore, type Store } from '../store/index.js';
import { lockDataDir, prepareDataDir } from './data-dir.js';

/** The running control plane: what `longshore serve` starts, and what tests start in-process. */
export interface ControlPlane {
  store: Store;
  accounts: AccountsService;
  jobs: JobService;
  station: StationJobs;
  http: FastifyInstance;
  /** Base URL of the HTTP listener (API and admin API). */
  url: string;
  /** The e-mail channel: SMTP listener, notifier and outbox sender. */
  mail: MailService;
  adminToken: string;
  /** Stops accepting work, lets requests in flight finish, and closes the database. */
  stop(): Promise<void>;
}

function logError(err: unknown): void {
  console.error(`longshore: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

/** Wires the adapters together and starts listening. */
export async function startControlPlane(config: ServeConfig): Promise<ControlPlane> {
  const secrets = await prepareDataDir(config.dataDir);
  const unlock = await lockDataDir(config.dataDir);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch(
    async (err) => {
      await unlock();
      throw err;
    },
  );
  const accounts = new StoreAccountsService({
    store,
    secrets: new SecretBox(secrets.masterKey),
    defaultRegion: config.region,
  });
  const jobs = new JobService({
    store,
    signingKey: secrets.signingKey,
    createJobQuota: config.createJobQuota,
    stationCountry: config.stationCountry,
    expiredRetentionDays: config.expiredRetentionDays,
  });
  const station = new StationJobs({ store, signingKey: secrets.signingKey });
  const objects = await openConfiguredStore(config.dataDir, config.s3).catch(async (err: unknown) => {
    await store.close();
    await unlock();
    throw err;
  });
  const expiry = new ExpiryScheduler({
    store,
    expiryDays: config.jobExpiryDays,
    intervalMs: config.expiryCheckInterval * 1000,
    onError: logError,
  });

  const labels = new StoreShippingLabels({
    store,
    signingKey: secrets.signingKey,
    urlTtlSeconds: config.labelUrlTtl,
    stationCountry: config.stationCountry,
  });

  const http = Fastify({ logger: false, forceCloseConnections: 'idle', bodyLimit: 16 * 1024 * 1024 });
  await registerQueryApi(http, { jobs, accounts, labels, logError });
  await registerLabelRoutes(http, {
    store,
    signingKey: secrets.signingKey,
    stationAddress: config.stationAddress,
    logError,
  });
  await registerAdminRoutes(http, {
    accounts,
    jobs: station,
    stationJobs: { jobs: station, loads: new StationLoads(station, store) },
    storage: objects,
    adminToken: secrets.adminToken,
    logError,
  });
  const address = await http.listen({ host: config.host, port: config.port });
  const mail = await startMailService({ config, store, accounts, jobs, onError: logError }).catch(
    async (err: unknown) => {
      await http.close();
      await store.close();
      await unlock();
      throw err;
    },
  );
  expiry.start();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await http.close();
      await mail.stop();
      await expiry.stop();
      await objects.close();
      await store.close();
      await unlock();
    })());
  return { store, accounts, jobs, station, http, url: address, mail, adminToken: secrets.adminToken, stop };
}
