import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { computeSignature, generateJobId, StationJobs } from '../../src/jobs/index.js';
import { openStore, type JobRecord, type Store } from '../../src/store/index.js';
import { freePort, runCli, startServe, type ServeProcess } from '../helpers/processes.js';
import { importManifest } from '../helpers/services.js';

// The shared setup of the compatibility suite (boto3, aws-sdk v2, AWS CLI): one real
// `longshore serve` per test file on a throwaway PostgreSQL database, which the test process
// opens too, to play the loading station (receive, load, return) and to backdate jobs.

export { importManifest };

/** The suite needs PostgreSQL: serve and the test process share the database. */
export const SKIP_COMPAT = process.env.LONGSHORE_SKIP_PG === '1';

/**
 * Generous limits: the suite starts real processes (serve, Python, the AWS CLI), and `npm test`
 * runs it next to every other test file on a small machine.
 */
export const SETUP_TIMEOUT_MS = 120_000;
export const TEST_TIMEOUT_MS = 90_000;

/** Every CreateJob beyond this many per account and UTC day is CreateJobQuotaExceededException. */
export const QUOTA = 5;

const ADMIN_PG_URL = process.env.LONGSHORE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAY_MS = 86_400_000;
export const STATION = 'compat-dock';

/** DECISIONS §1: five characters, digits 1-9 and letters without O. */
export const JOB_ID = /^[1-9A-NP-Z]{5}$/;
/** base64 of an HMAC-SHA256. */
export const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The accounts and buckets one client (or one signing variant of it) works with. */
export interface Tenant {
  /** The customer whose jobs live their whole life; owns `bucket` and `euBucket`. */
  owner: Credentials;
  /** Another customer, owner of `otherBucket`. */
  other: Credentials;
  /** Accounts flagged through `admin account update --not-signed-up` / `--problem`. */
  notSignedUp: Credentials;
  problem: Credentials;
  /** An access key the server never issued, and the owner's key with a wrong secret. */
  unknownKey: Credentials;
  wrongSecret: Credentials;
  bucket: string;
  otherBucket: string;
  /** The owner's bucket recorded in another region (eu-west-1). */
  euBucket: string;
  /** Owner's jobs created 31 days ago and expired by serve's scheduler... */
  expired: string;
  /** ...and one whose expiry is older than the retention (GetStatus: ExpiredJobIdException). */
  longExpired: string;
}

export class CompatServer {
  private constructor(
    readonly serve: ServeProcess,
    readonly url: string,
    readonly dataDir: string,
    readonly database: string,
    readonly store: Store,
    readonly signingKey: Buffer,
    readonly station: StationJobs,
  ) {}

  /** Creates the database and data directory and starts `longshore serve` on them. */
  static async start(): Promise<CompatServer> {
    const database = `longshore_compat_${randomBytes(5).toString('hex')}`;
    const databaseUrl = Object.assign(new URL(ADMIN_PG_URL), { pathname: `/${database}` }).toString();
    await adminSql(`CREATE DATABASE ${database}`);
    const dataDir = await mkdtemp(join(tmpdir(), 'longshore-compat-'));
    try {
      const [port, smtpPort] = [await freePort(), await freePort()];
      const serve = await startServe([
        ...['--data-dir', dataDir, '--port', String(port), '--smtp-port', String(smtpPort)],
        ...['--database-url', databaseUrl, '--create-job-quota', String(QUOTA)],
        ...['--expiry-check-interval', '1', '--job-expiry-days', '30', '--expired-retention-days', '30'],
      ]);
      const store = await openStore({ databaseUrl });
      const signingKey = Buffer.from((await readFile(join(dataDir, 'signing.key'), 'utf8')).trim(), 'base64');
      expect(signingKey.length).toBeGreaterThanOrEqual(32);
      const station = new StationJobs({ store, signingKey });
      return new CompatServer(serve, serve.url, dataDir, database, store, signingKey, station);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      await adminSql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      throw error;
    }
  }

  /** Stops serve (it must exit cleanly), closes the store, drops the database. */
  async close(): Promise<void> {
    try {
      this.serve.proc.kill('SIGTERM');
      const exit = await this.serve.exited;
      expect(exit.code, this.serve.output()).toBe(0);
    } finally {
      await this.store.close();
      await adminSql(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  /** `longshore admin ARGS --json` against this server; fails the test unless it exits 0. */
  async admin(args: string[]): Promise<unknown> {
    const result = await runCli([
      'admin',
      ...args,
      ...['--server', this.url, '--data-dir', this.dataDir, '--json'],
    ]);
    expect(result.code, `longshore admin ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  }

  async createAccount(email: string): Promise<Credentials> {
    const created = (await this.admin(['account', 'create', '--email', email])) as Credentials;
    expect(created.accessKeyId).toMatch(/^\S{16,128}$/);
    return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  }

  /**
   * One tenant per label, through the real admin commands: an owner with a bucket each, plus the
   * accounts they share (another customer with a bucket, a not-signed-up and a problem account;
   * none of them ever creates a job). Each owner also gets a second bucket in eu-west-1
   * (`admin bucket create` has no region option, so it goes through the store) and two jobs
   * backdated into the database and expired by serve's scheduler.
   */
  async tenants(...labels: string[]): Promise<Tenant[]> {
    const [first] = labels;
    const [other, notSignedUp, problem, ...owners] = await Promise.all(
      [`other@${first}.example`, `unsigned@${first}.example`, `problem@${first}.example`]
        .concat(labels.map((label) => `owner@${label}.example`))
        .map((email) => this.createAccount(email)),
    );
    const otherBucket = `${first}-others`;
    const tenants = labels.map((label, i) => {
      const owner = owners[i]!;
      return {
        owner,
        other: other!,
        notSignedUp: notSignedUp!,
        problem: problem!,
        unknownKey: { accessKeyId: 'LSIAUNKNOWN234567890', secretAccessKey: 'not-a-secret-of-this-server' },
        wrongSecret: { accessKeyId: owner.accessKeyId, secretAccessKey: `${owner.secretAccessKey}x` },
        bucket: `${label}-photos`,
        otherBucket,
        euBucket: `${label}-eu-logs`,
      };
    });
    // Backdated first, so that serve's scheduler expires them while the admin commands run.
    const backdated = await Promise.all(
      tenants.map(async (t) => ({
        expired: await this.insertBackdatedJob(t.owner.accessKeyId, t.bucket, 31),
        longExpired: await this.insertBackdatedJob(t.owner.accessKeyId, t.bucket, 75),
      })),
    );
    await Promise.all([
      this.admin(['bucket', 'create', otherBucket, '--owner', other!.accessKeyId]),
      this.admin(['account', 'update', notSignedUp!.accessKeyId, '--not-signed-up']),
      this.admin(['account', 'update', problem!.accessKeyId, '--problem']),
      ...tenants.map((t) => this.admin(['bucket', 'create', t.bucket, '--owner', t.owner.accessKeyId])),
      ...tenants.map((t) =>
        this.store.insertBucket({
          name: t.euBucket,
          owner: t.owner.accessKeyId,
          region: 'eu-west-1',
          grants: [],
          createdAt: new Date(),
        }),
      ),
      ...backdated.flatMap((b) => [
        this.waitForProgress(b.expired, 'Expired'),
        this.waitForProgress(b.longExpired, 'Expired'),
      ]),
    ]);
    for (const { longExpired } of backdated) {
      // The scheduler expired it just now: move its expiry back beyond the 30 days of retention.
      const moved = await this.store.transitionJob(
        longExpired,
        { progress: ['Expired'] },
        { expiredAt: new Date(Date.now() - 45 * DAY_MS) },
        { event: 'backdate', at: new Date(), actor: 'test' },
      );
      expect(moved?.expiredAt?.getTime()).toBeLessThan(Date.now() - 44 * DAY_MS);
    }
    return tenants.map((t, i) => ({ ...t, ...backdated[i]! }));
  }

  /** One tenant (see tenants). */
  async tenant(label: string): Promise<Tenant> {
    const [tenant] = await this.tenants(label);
    return tenant!;
  }

  /** A Pending import job of `owner` created `daysAgo` days ago, straight into the database. */
  async insertBackdatedJob(owner: string, bucket: string, daysAgo: number): Promise<string> {
    const at = new Date(Date.now() - daysAgo * DAY_MS);
    const jobId = generateJobId();
    const manifestText = importManifest(bucket);
    const job: JobRecord = {
      jobId,
      owner,
      jobType: 'Import',
      manifestText,
      signature: computeSignature(this.signingKey, jobId, manifestText),
      location: 'NotReceived',
      progress: 'Pending',
      progressMessage: null,
      canceled: false,
      createdAt: at,
      updatedAt: at,
      expiredAt: null,
      carrier: null,
      trackingNumber: null,
      logBucket: null,
      logKey: null,
      errorCount: null,
    };
    const outcome = await this.store.createJob(
      job,
      { event: 'create', at, actor: 'test' },
      { limit: 1000, since: at },
    );
    expect(outcome.ok).toBe(true);
    return jobId;
  }

  /** Waits (serve's scheduler runs every second) until the job has this progress code. */
  async waitForProgress(jobId: string, progress: JobRecord['progress'], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.store.getJob(jobId);
      if (job?.progress === progress) return;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is ${job?.progress}, not ${progress}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The loading station receives the device and starts loading it (AtAWS/InProgress). */
  async receiveAndStartLoad(jobId: string): Promise<void> {
    await this.station.receiveDevice(jobId, STATION);
    await this.station.passInspection(jobId, STATION, 'device, power supply and SIGNATURE checked');
    const job = await this.station.startLoad(jobId, STATION);
    expect([job.location, job.progress]).toEqual(['AtAWS', 'InProgress']);
  }

  /** The load ends with `errorCount` failed files and the device goes back (Returned). */
  async finishAndReturn(jobId: string, done: LoadDone): Promise<void> {
    await this.station.finishLoad(jobId, STATION, {
      errorCount: done.errorCount,
      logBucket: done.logBucket,
      logKey: done.logKey,
    });
    const job = await this.station.returnDevice(jobId, STATION, done.carrier, done.trackingNumber);
    expect(job.location).toBe('Returned');
  }

  /** A label URL fetched as any browser would: status, content type and the first bytes. */
  async fetchLabel(url: string): Promise<{ status: number; type: string | null; magic: string }> {
    expect(url.startsWith(`${this.url}/`), url).toBe(true);
    const response = await fetch(url);
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      magic: body.subarray(0, 5).toString('latin1'),
    };
  }
}

export interface LoadDone {
  errorCount: number;
  logBucket: string;
  logKey: string;
  carrier: string;
  trackingNumber: string;
}

/** What every client's life scenario loads and ships back. */
export function loadDone(bucket: string, jobId: string): LoadDone {
  return {
    errorCount: 2,
    logBucket: bucket,
    logKey: `logs/import-log-${jobId}.csv`,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
  };
}

async function adminSql(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The SIGNATURE file of DECISIONS §3, line by line. */
export function signatureFileLines(jobId: string, signature: string): string[] {
  return ['version:2.0', 'signingMethod:HmacSHA256', `jobId:${jobId}`, `signature:${signature}`, ''];
}

// ---------------------------------------------------------------------------------------------
// Calls, in the model's names: boto3 and aws-sdk v2 both take the operation's members as given.

export type OperationName =
  'CreateJob' | 'GetStatus' | 'ListJobs' | 'UpdateJob' | 'CancelJob' | 'GetShippingLabel';

export interface Call {
  op: OperationName;
  params: Record<string, unknown>;
  /** Sign with these instead of the tenant owner's credentials. */
  as?: Credentials;
}

/** An error a client must surface: `modeled` ones as the model's exception class, others by code. */
export interface ErrorCase {
  name: string;
  call: Call;
  code: string;
  status: number;
  modeled: boolean;
}

/**
 * The manifest whose job lives its whole life: CRLF line endings, UTF-8 beyond the BMP and the
 * characters that percent-encoding (signatures) and XML (CurrentManifest) must get right.
 */
export function lifeManifest(bucket: string, extra = ''): string {
  const tricky = `generator: "Zoë's tool <v1> & co * ~ 100% +plus= a/b?c !()"\n# 日本語 🎉\n${extra}`;
  return importManifest(bucket, tricky).replace(/\n/g, '\r\n');
}

/** A return address in another country than the station's (US), for customs. */
const JAPAN_ADDRESS = `returnAddress:
  name: Taro Yamada
  street1: 1-2-3 Shibuya
  city: Tokyo
  postalCode: 150-0002
  phoneNumber: +81 3 1234 5678
  country: Japan
`;

const CUSTOMS = (deviceType: string) => `customs:
  dataDescription: Survey photographs
  deviceValue: 120.00
  deviceCountryOfOrigin: China
  deviceType: ${deviceType}
  typeOfExport: return
`;

function exportManifest(bucket: string, fileSystem: string): string {
  return `manifestVersion: 2.0
deviceId: EXP-1
fileSystem: ${fileSystem}
trueCryptPassword: a long passphrase
logBucket: ${bucket}
operations:
  - exportBucket: ${bucket}
returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
`;
}

/** A valid export manifest (so JobType Export is exercised too). */
export function validExportManifest(bucket: string): string {
  return exportManifest(bucket, 'NTFS');
}

/** CreateJob of an import job with this manifest. */
export function create(manifest: string, more: Record<string, unknown> = {}): Call {
  return { op: 'CreateJob', params: { JobType: 'Import', Manifest: manifest, ValidateOnly: false, ...more } };
}

/** `importManifest` with its `returnAddress` block and everything after it replaced. */
function withAddress(bucket: string, address: string, extra = ''): string {
  const head = importManifest(bucket).split('returnAddress:')[0]!;
  return `${head}${address}${extra}`;
}

/**
 * Every modeled error that does not depend on where a job is in its life, plus the auth codes of
 * DECISIONS §4 (not modeled: a ClientError / AWSError with that code). `ownersJob` is a Pending job
 * of the tenant's owner.
 */
export function stateFreeErrorCases(t: Tenant, ownersJob: string): ErrorCase[] {
  const modeled = (name: string, call: Call, code: string): ErrorCase => ({
    name,
    call,
    code,
    status: 400,
    modeled: true,
  });
  const auth = (name: string, as: Credentials, code: string): ErrorCase => ({
    name,
    call: { op: 'ListJobs', params: {}, as },
    code,
    status: 403,
    modeled: false,
  });
  const importOf = (extra: string) => create(importManifest(t.bucket, extra));
  const asOther = t.other;
  return [
    modeled('unknown job ID', { op: 'GetStatus', params: { JobId: 'ZZZZ9' } }, 'InvalidJobIdException'),
    modeled('malformed job ID', { op: 'GetStatus', params: { JobId: 'not a job' } }, 'InvalidJobIdException'),
    modeled(
      "another account's job: GetStatus",
      { op: 'GetStatus', params: { JobId: ownersJob }, as: asOther },
      'InvalidJobIdException',
    ),
    modeled(
      "another account's job: UpdateJob",
      {
        op: 'UpdateJob',
        params: {
          JobId: ownersJob,
          JobType: 'Import',
          Manifest: importManifest(t.otherBucket),
          ValidateOnly: false,
        },
        as: asOther,
      },
      'InvalidJobIdException',
    ),
    modeled(
      "another account's job: CancelJob",
      { op: 'CancelJob', params: { JobId: ownersJob }, as: asOther },
      'InvalidJobIdException',
    ),
    modeled(
      "another account's job: GetShippingLabel",
      { op: 'GetShippingLabel', params: { jobIds: [ownersJob] }, as: asOther },
      'InvalidJobIdException',
    ),
    modeled(
      'malformed manifest (tab indentation)',
      create(`manifestVersion: 2.0\nreturnAddress:\n\tname: Jane Roe\n`),
      'MalformedManifestException',
    ),
    modeled(
      'manifest without deviceId',
      create(importManifest(t.bucket).replace('deviceId: WD-12345\n', '')),
      'MissingManifestFieldException',
    ),
    modeled('manifest with a bad acl', importOf('acl: everyone\n'), 'InvalidManifestFieldException'),
    modeled(
      'return address without a city',
      create(importManifest(t.bucket).replace('  city: Springfield\n', '')),
      'InvalidAddressException',
    ),
    modeled(
      'return to Japan without customs',
      create(withAddress(t.bucket, JAPAN_ADDRESS)),
      'MissingCustomsException',
    ),
    modeled(
      'customs with a bad deviceType',
      create(withAddress(t.bucket, JAPAN_ADDRESS, CUSTOMS('floppyDisk'))),
      'InvalidCustomsException',
    ),
    modeled(
      'export to an HFS+ file system',
      {
        op: 'CreateJob',
        params: { JobType: 'Export', Manifest: exportManifest(t.bucket, 'HFS+'), ValidateOnly: false },
      },
      'InvalidFileSystemException',
    ),
    modeled('buckets in two regions', importOf(`logBucket: ${t.euBucket}\n`), 'MultipleRegionsException'),
    modeled(
      'a bucket nobody created',
      create(importManifest(`${t.bucket}-nowhere`)),
      'NoSuchBucketException',
    ),
    modeled("another account's bucket", create(importManifest(t.otherBucket)), 'BucketPermissionException'),
    modeled(
      "another account's access key in the manifest",
      importOf(`accessKeyId: ${t.other.accessKeyId}\n`),
      'InvalidAccessKeyIdException',
    ),
    modeled('an empty Manifest', create(''), 'MissingParameterException'),
    modeled('MaxJobs over 1000', { op: 'ListJobs', params: { MaxJobs: 1001 } }, 'InvalidParameterException'),
    modeled(
      'a Marker that is not one of my jobs',
      { op: 'ListJobs', params: { Marker: 'ZZZZ9' } },
      'InvalidParameterException',
    ),
    modeled(
      'GetShippingLabel with a partial address',
      { op: 'GetShippingLabel', params: { jobIds: [ownersJob], name: 'Jane Roe', city: 'Springfield' } },
      'InvalidAddressException',
    ),
    modeled(
      'APIVersion with illegal characters (ListJobs)',
      { op: 'ListJobs', params: { APIVersion: 'bad version!' } },
      'InvalidVersionException',
    ),
    modeled(
      'APIVersion with illegal characters (GetStatus)',
      { op: 'GetStatus', params: { JobId: ownersJob, APIVersion: '<1.0>' } },
      'InvalidVersionException',
    ),
    // Expired jobs (DECISIONS §2): GetStatus shows them for 30 days, the rest refuses them.
    modeled('UpdateJob of an expired job', updateOf(t, t.expired), 'ExpiredJobIdException'),
    modeled(
      'CancelJob of an expired job',
      { op: 'CancelJob', params: { JobId: t.expired } },
      'ExpiredJobIdException',
    ),
    modeled(
      'GetShippingLabel of an expired job',
      { op: 'GetShippingLabel', params: { jobIds: [t.expired] } },
      'ExpiredJobIdException',
    ),
    modeled(
      'GetStatus of a job expired beyond retention',
      { op: 'GetStatus', params: { JobId: t.longExpired } },
      'ExpiredJobIdException',
    ),
    auth('an access key the server never issued', t.unknownKey, 'InvalidClientTokenId'),
    auth('a wrong secret access key', t.wrongSecret, 'SignatureDoesNotMatch'),
    auth('an account not signed up', t.notSignedUp, 'NotSignedUp'),
    auth('an account with a problem', t.problem, 'AccountProblem'),
  ];
}

/** UpdateJob of `jobId` with a valid manifest of the tenant. */
export function updateOf(
  t: Tenant,
  jobId: string,
  manifest = importManifest(t.bucket, 'acl: public-read\n'),
  validateOnly = false,
): Call {
  return {
    op: 'UpdateJob',
    params: { JobId: jobId, JobType: 'Import', Manifest: manifest, ValidateOnly: validateOnly },
  };
}
