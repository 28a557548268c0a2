import { join } from 'node:path';
import { Permissions, type AccountsService } from '../accounts/index.js';
import { CatalogError } from '../catalog/index.js';
import { optionLabel, type ServeConfig } from '../config/index.js';
import type { JobService } from '../jobs/index.js';
import type { Store } from '../store/index.js';
import { FolderDelivery, RelayDelivery, type MailDelivery } from './delivery.js';
import { MailCommands } from './mail-commands.js';
import { MailIntake } from './mail-intake.js';
import { Notifier } from './notifier.js';
import { Outbox } from './outbox.js';
import { OutboxSender } from './outbox-sender.js';
import { checkSmtpCredentials } from './smtp-auth.js';
import { startSmtpListener } from './smtp-listener.js';
import { loadSmtpTls } from './tls-certificate.js';

/** The outbox folder inside the data directory (DECISIONS §5: no relay configured). */
export const OUTBOX_DIR = 'outbox';

export type MailServiceConfig = Pick<
  ServeConfig,
  | 'dataDir'
  | 'host'
  | 'smtpPort'
  | 'smtpRelay'
  | 'mailAddress'
  | 'smtpTls'
  | 'smtpRequireAuth'
  | 'smtpMaxMessageSize'
  | 'smtpRateLimit'
  | 'outboxRetryMaxSeconds'
  | 'stationCountry'
>;

export interface MailServiceDeps {
  config: MailServiceConfig;
  store: Store;
  accounts: Pick<AccountsService, 'secretOf'>;
  jobs: JobService;
  onError: (err: unknown) => void;
}

/** The running e-mail channel. */
export interface MailService {
  /** The SMTP listener, `smtp://HOST:PORT`. */
  url: string;
  /** Where outgoing mail goes: `relay smtp://HOST:PORT` or `folder <data-dir>/outbox`. */
  outgoing: string;
  /** The STARTTLS certificate file, and whether it is the generated self-signed one. */
  tls: { certFile: string; selfSigned: boolean };
  sender: OutboxSender;
  notifier: Notifier;
  /** Stops taking mail, then lets the notifier and the sender finish their current pass. */
  stop(): Promise<void>;
}

/**
 * Starts the e-mail channel of `longshore serve`: the SMTP listener for command mails (replies go to
 * the outbox), the notifier (job history -> outbox) and the outbox sender (outbox -> relay or folder).
 */
export async function startMailService(deps: MailServiceDeps): Promise<MailService> {
  const { config, store, onError } = deps;
  const serviceAddress = config.mailAddress.toLowerCase();
  const domain = serviceAddress.slice(serviceAddress.lastIndexOf('@') + 1) || 'localhost';
  const tls = await loadSmtpTls({ dataDir: config.dataDir, configured: config.smtpTls, hostname: domain });
  const delivery: MailDelivery = config.smtpRelay
    ? new RelayDelivery(config.smtpRelay)
    : new FolderDelivery(join(config.dataDir, OUTBOX_DIR));
  const sender = new OutboxSender({
    store,
    delivery,
    retryMaxSeconds: config.outboxRetryMaxSeconds,
    onError,
  });
  const outbox = new Outbox({ store, address: serviceAddress, onEnqueued: () => sender.wake() });
  const notifier = new Notifier({ store, outbox, stationCountry: config.stationCountry, onError });
  const commands = new MailCommands({ jobs: deps.jobs, permissions: new Permissions(store) });
  const intake = new MailIntake({ commands, outbox, serviceAddress, onError });
  const listener = await startSmtpListener({
    host: config.host,
    port: config.smtpPort,
    serviceAddress,
    tls,
    requireAuth: config.smtpRequireAuth,
    maxMessageSize: config.smtpMaxMessageSize,
    rateLimit: config.smtpRateLimit,
    authenticate: (username, password) =>
      checkSmtpCredentials((key) => deps.accounts.secretOf(key), username, password),
    receive: (mail) => intake.receive(mail),
    onError,
  }).catch((err: unknown) => {
    delivery.close();
    throw listenError(err, config);
  });
  sender.start();
  notifier.start();
  let stopping: Promise<void> | null = null;
  return {
    url: listener.url,
    outgoing: delivery.description,
    tls: { certFile: tls.certFile, selfSigned: tls.selfSigned },
    sender,
    notifier,
    stop: () =>
      (stopping ??= (async () => {
        await listener.close();
        await notifier.stop();
        await sender.stop();
      })()),
  };
}

/** A port that cannot be listened on is the operator's to fix: InvalidConfiguration naming --smtp-port. */
function listenError(err: unknown, config: MailServiceConfig): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return err;
  const why = code === 'EADDRINUSE' ? 'is in use by another program' : 'may not be used by this user';
  return new CatalogError('InvalidConfiguration', {
    option: optionLabel('smtp-port'),
    reason: `cannot be listened on: ${config.host}:${config.smtpPort} ${why}; choose another port`,
  });
}
