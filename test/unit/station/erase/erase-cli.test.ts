import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import { registerEraseCommand } from '../../../../src/cli/commands/station-erase.js';
import { UsageError } from '../../../../src/cli/usage-errors.js';
import type { LoadRecordView, StationJobView } from '../../../../src/station/index.js';
import { captureIo } from '../../cli/capture-io.js';

// `station erase` driven through registerEraseCommand, against a fake admin API that answers
// load-record with whatever the test sets (the lead's functional tests run the whole station).
const TOKEN = 'erase-test-token';
const MiB = 1024 * 1024;
let server: Server;
let url: string;
let dir: string;
let image: string;
let current: LoadRecordView;
const requests: { path: string; body: unknown }[] = [];

const manifest = (erase: string) =>
  `manifestVersion: 2.0\nbucket: photos\ndeviceId: WD-1\neraseDevice: ${erase}\nreturnAddress:\n` +
  `  name: Jane Roe\n  street1: 1 Main St\n  city: Springfield\n  stateOrProvince: OR\n` +
  `  postalCode: 97477\n  phoneNumber: 555-0100\n  country: USA\n`;

function loadRecord(
  overrides: Partial<LoadRecordView> = {},
  progressCode: StationJobView['progressCode'] = 'Success',
): LoadRecordView {
  return {
    job: {
      jobId: 'K7M2P',
      locationCode: 'AtAWS',
      locationMessage: 'at the station',
      progressCode,
      progressMessage: 'done',
      isCanceled: false,
    },
    manifestText: manifest('yes'),
    device: { path: image, volumeOffset: 0, fileSystem: 'ext2', warnings: [] },
    figures: null,
    finished: true,
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longshore-erase-cli-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: JSON.parse(body || '{}') });
      const ok = req.headers.authorization === `Bearer ${TOKEN}` && req.url?.endsWith('/load-record');
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? current : { error: { code: 'InternalError', message: 'x', action: 'y' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function freshImage(): Promise<Buffer> {
  image = join(dir, 'disk.img');
  const bytes = randomBytes(8 * MiB);
  await writeFile(image, bytes);
  return bytes;
}

async function erase(args: string[]) {
  const capture = captureIo(
    { LONGSHORE_SERVER: url, LONGSHORE_ADMIN_TOKEN: TOKEN, LONGSHORE_DATA_DIR: join(dir, 'data') },
    dir,
  );
  const program = new Command('longshore').exitOverride();
  registerEraseCommand(program.command('station'), capture.io);
  const error = await program
    .parseAsync(['node', 'longshore', 'station', 'erase', '--job-id', 'k7m2p', ...args])
    .then(
      () => null,
      (err: unknown) => err,
    );
  return { error, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('longshore station erase', () => {
  it('asks for --yes, naming the path and size, and leaves the device alone', async () => {
    const before = await freshImage();
    current = loadRecord();
    const { error } = await erase([]);
    expect(error).toBeInstanceOf(UsageError);
    const { error: cause } = error as UsageError;
    expect(cause.code).toBe('MissingParameterException');
    expect((cause.details as { reason: string }).reason).toBe(
      `this destroys every byte of ${image}, 8388608 bytes (8.4 MB): add --yes to erase it`,
    );
    expect((await readFile(image)).equals(before)).toBe(true);
    expect(requests.at(-1)).toEqual({
      path: '/admin/v1/station/jobs/K7M2P/load-record',
      body: { station: expect.any(String) as string },
    });
  });

  it('erases the recorded device with --yes, with progress lines and a summary', async () => {
    await freshImage();
    current = loadRecord();
    const { error, stdout, stderr } = await erase(['--yes']);
    expect(error).toBeNull();
    expect((await readFile(image)).every((b) => b === 0)).toBe(true);
    expect(stdout).toContain(`Job K7M2P: ${image} erased: 8388608 bytes (8.4 MB) of zeros written.`);
    expect(stdout).toMatch(/verified {2}258 samples \(\d\.\d MB\) read back as zeros/);
    expect(stderr).toContain(`Erasing ${image}, 8388608 bytes (8.4 MB), for job K7M2P`);
    expect(stderr).toMatch(/writing zeros: 8\.4 MB of 8\.4 MB \(100\.0%\)/);
    expect(stderr).toMatch(/reading back samples: .*\(100\.0%\)/);
  });

  it('--device overrides the recorded path; --json prints one object', async () => {
    await freshImage();
    current = loadRecord({
      device: { path: '/dev/gone', volumeOffset: 0, fileSystem: 'ext2', warnings: [] },
    });
    const { error, stdout, stderr } = await erase(['--yes', '--device', image, '--json']);
    expect(error).toBeNull();
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({
      jobId: 'K7M2P',
      path: image,
      kind: 'image-file',
      bytes: 8 * MiB,
      verification: { nonZeroOffset: null, samples: 258 },
    });
  });

  it('refuses a manifest with eraseDevice: no, and an unfinished load (InvalidJobState)', async () => {
    const before = await freshImage();
    current = loadRecord({ manifestText: manifest('no') });
    const no = await erase(['--yes']);
    expect(no.error).toBeInstanceOf(CatalogError);
    expect((no.error as CatalogError).message).toBe(
      'The job is AtAWS/Success, which does not allow this station step.',
    );
    current = loadRecord({ finished: false }, 'InProgress');
    const running = await erase(['--yes']);
    expect((running.error as CatalogError).code).toBe('InvalidJobState');
    expect(((running.error as CatalogError).details as { reason: string }).reason).toMatch(
      /has not finished/,
    );
    expect((await readFile(image)).equals(before)).toBe(true);
  });

  it('refuses a directory as a usage error with the reason', async () => {
    const mounted = join(dir, 'mounted');
    await mkdir(mounted, { recursive: true });
    current = loadRecord({ device: { path: mounted, volumeOffset: null, fileSystem: 'ext2', warnings: [] } });
    const { error } = await erase(['--yes']);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).error.code).toBe('InvalidParameterException');
    expect(((error as UsageError).error.details as { reason: string }).reason).toMatch(
      /^a mounted directory cannot be erased: unmount it and give the device node/,
    );
  });
});
