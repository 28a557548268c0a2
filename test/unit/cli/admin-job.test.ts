import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../../src/cli/admin-client.js';
import { formatJob, jobIdArg } from '../../../src/cli/commands/admin-job.js';
import { main } from '../../../src/cli/main.js';
import { UsageError } from '../../../src/cli/usage-errors.js';
import { startAdminServer, TEST_TOKEN, type TestAdminServer } from '../admin/admin-server.js';
import { captureIo } from './capture-io.js';

// The admin API runs for real on 127.0.0.1:0; the jobs behind it are a fake (server.jobs, FakeJobs).
let server: TestAdminServer;
let dataDir: string;
beforeAll(async () => {
  server = await startAdminServer();
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-cli-job-'));
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  server.jobs.clear();
});

async function run(args: string[]) {
  const io = captureIo({ LONGSHORE_SERVER: server.url, LONGSHORE_ADMIN_TOKEN: TEST_TOKEN }, dataDir);
  const code = await main(['node', 'longshore', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function addReturnedJob() {
  return server.jobs.add(
    {
      jobId: 'K7M2P',
      location: 'Returned',
      progress: 'SuccessWithErrors',
      carrier: 'UPS',
      trackingNumber: '1Z999',
      logBucket: 'logs',
      logKey: 'import-K7M2P.csv',
      errorCount: 2,
    },
    [
      { event: 'create', detail: 'job created' },
      { event: 'receive', location: 'AtAWS', actor: 'station:dock-1' },
      { event: 'cancel', location: 'AtAWS', canceled: true, detail: 'canceled by customer' },
    ],
  );
}

describe('longshore admin job show', () => {
  it('prints the job, then its history as a table', async () => {
    addReturnedJob();
    const result = await run(['admin', 'job', 'show', 'K7M2P']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'job ID           K7M2P',
        'owner            LSIA0000000000000001',
        'type             Import',
        'location         Returned: The device was sent back with UPS; tracking number 1Z999.',
        'progress         SuccessWithErrors: The load finished, but 2 file(s) failed; the import log lists them.',
        'canceled         no',
        'created          2024-05-03T09:00:00.000Z',
        'carrier          UPS',
        'tracking number  1Z999',
        'log              s3://logs/import-K7M2P.csv',
        'errors           2',
        '',
        'TIME                      EVENT    STATE AFTER              ACTOR           DETAIL',
        '2024-05-03T09:00:00.000Z  create   NotReceived/Pending      api             job created',
        '2024-05-04T09:00:00.000Z  receive  AtAWS/Pending            station:dock-1  -',
        '2024-05-05T09:00:00.000Z  cancel   AtAWS/Pending, canceled  api             canceled by customer',
        '',
      ].join('\n'),
    );
  });

  it('leaves out carrier, tracking and log lines until they are set', async () => {
    server.jobs.add({ jobId: 'ABC12', location: 'NotReceived' }, [{ event: 'create' }]);
    const result = await run(['admin', 'job', 'show', 'ABC12']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^location +NotReceived: The loading station has not received/m);
    expect(result.stdout).not.toMatch(/^(carrier|tracking number|log|errors) /m);
  });

  it('prints the API response object with --json', async () => {
    addReturnedJob();
    const result = await run(['admin', 'job', 'show', 'K7M2P', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const expected = await new AdminClient(server.url, TEST_TOKEN).job('K7M2P');
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(expected.history).toHaveLength(3);
    expect(expected.job).toMatchObject({ jobId: 'K7M2P', owner: 'LSIA0000000000000001' });
  });

  it('accepts a lower-case job ID and asks for the upper-case form', async () => {
    addReturnedJob();
    const result = await run(['admin', 'job', 'show', 'k7m2p']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^job ID +K7M2P$/m);
    expect(server.jobs.calls[0]).toEqual({ method: 'job', args: ['K7M2P'] });
  });

  it.each(['K7M2O', 'K7M2', 'K7M2PP', 'K7-2P', 'K7M20'])(
    'refuses the job ID %j with exit 2 before any request',
    async (jobId) => {
      const result = await run(['admin', 'job', 'show', jobId]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^InvalidParameterException: .*JOB_ID/m);
      expect(result.stderr).toContain(`Given: "${jobId}".`);
      expect(result.stderr).toMatch(/^Recommended action: /m);
      expect(server.jobs.calls).toEqual([]);
    },
  );

  it('renders the bad-ID usage error as one JSON object with --json', async () => {
    const result = await run(['admin', 'job', 'show', 'bad', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'InvalidParameterException',
        message: expect.stringContaining('JOB_ID'),
        action: expect.any(String),
      },
    });
    expect(server.jobs.calls).toEqual([]);
  });

  it("prints the server's InvalidJobIdException for an unknown job with exit 1", async () => {
    const result = await run(['admin', 'job', 'show', 'ZZZZZ']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^InvalidJobIdException: /);
  });

  it('needs a job ID', async () => {
    const result = await run(['admin', 'job', 'show']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^MissingParameterException: .*JOB_ID/m);
  });
});

describe('jobIdArg and formatJob', () => {
  it('returns the upper-case form or throws a usage error', () => {
    expect(jobIdArg('abc12')).toBe('ABC12');
    expect(() => jobIdArg('ABC1O')).toThrow(UsageError);
  });

  it('shows the error count without a log when there are errors', () => {
    const text = formatJob({
      jobId: 'ABC12',
      owner: 'LSIA0000000000000001',
      jobType: 'Export',
      locationCode: 'AtAWS',
      locationMessage: 'The device is at the loading station.',
      progressCode: 'InProgress',
      progressMessage: 'Loading.',
      isCanceled: true,
      carrier: null,
      trackingNumber: null,
      logBucket: null,
      logKey: null,
      errorCount: 3,
      signature: 's',
      signatureFileContents: 's',
      currentManifest: 'm',
      creationDate: '2024-05-03T09:00:00.000Z',
      artifactList: [],
    });
    expect(text).toMatch(/^canceled +yes$/m);
    expect(text).toMatch(/^errors +3$/m);
    expect(text).not.toMatch(/^log /m);
  });
});
