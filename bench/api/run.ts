/**
 * `npm run bench:api`: GetStatus and CreateJob throughput and latency of `longshore serve` with the
 * embedded store, driven over loopback by autocannon in a separate process (load.ts). Writes
 * bench/results/api-<time>.json and prints a table with the targets of issue 3 item 6.
 *
 * Options: --duration S (15), --warmup S (5), --connections 10,50 (GetStatus),
 * --create-connections 10, --jobs N (jobs created before the GetStatus runs, 1000),
 * --cpu-prof DIR (run the server under `node --cpu-prof`, profiles written to DIR),
 * --quiet-wait S (before each run, wait up to S seconds, 60, for the machine to be idle),
 * --only getstatus|createjob, --no-fail (exit 0 even when a target is missed), --root DIR (the
 * built checkout to measure, default the current directory), --results DIR (default bench/results),
 * --label TEXT (kept in the results file).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { QuerySigner, type Credentials } from './sign.js';
import {
  cpuSeconds,
  freePort,
  machineBusySeconds,
  memoryMiB,
  sampleRss,
  startServe,
  waitForQuiet,
  type LoopDelay,
  type ServeProcess,
} from './server.js';
import type { LoadResult, LoadSpec, PresignedRequest } from './types.js';

const TARGETS = { getStatusPerSecond: 2000, getStatusP99Ms: 20, createJobPerSecond: 300 } as const;
/** Signatures are accepted for 15 minutes; every pool is signed right before its run. */
const SIGNATURE_LIFETIME_S = 15 * 60;
const BUCKET = 'bench-bucket';

const MANIFEST = `manifestVersion: 2.0
bucket: ${BUCKET}
deviceId: 49382
eraseDevice: yes
notificationEmail: bench@example.org
returnAddress:
    name: Bench Runner
    company: Longshore
    street1: 123 Any Street
    city: Anytown
    stateOrProvince: WA
    postalCode: 91011-1111
    phoneNumber: 206-555-1111
    country: USA
`;

interface Options {
  /** The checkout whose built server is measured. */
  root: string;
  resultsDir: string;
  durationS: number;
  warmupS: number;
  connections: number[];
  createConnections: number;
  jobs: number;
  cpuProfDir: string | null;
  only: 'getstatus' | 'createjob' | null;
  fail: boolean;
  /** Seconds to wait, before each run, for a quiet machine (0: do not wait). */
  quietWaitS: number;
  /** Free text kept in the results file (what was measured). */
  label: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10,50' },
      'create-connections': { type: 'string', default: '10' },
      jobs: { type: 'string', default: '1000' },
      'cpu-prof': { type: 'string' },
      only: { type: 'string' },
      'no-fail': { type: 'boolean', default: false },
      'quiet-wait': { type: 'string', default: '60' },
      label: { type: 'string', default: '' },
      root: { type: 'string', default: process.cwd() },
      results: { type: 'string', default: join(process.cwd(), 'bench', 'results') },
    },
  });
  const positive = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
    return n;
  };
  const only = values.only ?? null;
  if (only !== null && only !== 'getstatus' && only !== 'createjob') {
    throw new Error('--only must be getstatus or createjob');
  }
  const durationS = positive('duration', values.duration);
  const warmupS = positive('warmup', values.warmup);
  const connections = values.connections.split(',').map((c) => positive('connections', c.trim()));
  if (warmupS + durationS * (connections.length + 1) + 60 > SIGNATURE_LIFETIME_S) {
    throw new Error('the runs would outlast a signature: shorten --duration');
  }
  return {
    root: resolve(values.root),
    resultsDir: resolve(values.results),
    durationS,
    warmupS,
    connections,
    createConnections: positive('create-connections', values['create-connections']),
    jobs: positive('jobs', values.jobs),
    cpuProfDir: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
    only,
    fail: !values['no-fail'],
    quietWaitS: Number(values['quiet-wait']),
    label: values.label,
  };
}

// ---- setup through the admin API and the query API ----

async function adminCall<T>(server: ServeProcess, token: string, path: string, body: object): Promise<T> {
  const response = await fetch(`${server.url}/admin/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`admin ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Sends one pre-signed request with fetch (which sets Host and Content-Length itself). */
async function send(
  server: ServeProcess,
  request: PresignedRequest,
): Promise<{ status: number; text: string }> {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'host'),
  );
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers,
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}

const createJobParams = (): [string, string][] => [
  ['JobType', 'Import'],
  ['Manifest', MANIFEST],
  ['ValidateOnly', 'false'],
];

/** Creates `count` jobs through CreateJob, `concurrency` at a time; returns their IDs and the rate. */
async function createJobs(
  server: ServeProcess,
  signer: QuerySigner,
  count: number,
  concurrency: number,
): Promise<{ jobIds: string[]; perSecond: number }> {
  const request = await signer.sign('CreateJob', createJobParams(), new Date());
  const jobIds: string[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const { status, text } = await send(server, request);
      const jobId = /<JobId>([^<]+)<\/JobId>/.exec(text)?.[1];
      if (status !== 200 || jobId === undefined) throw new Error(`CreateJob: HTTP ${status} ${text}`);
      jobIds.push(jobId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { jobIds, perSecond: count / ((performance.now() - started) / 1000) };
}

async function checkGetStatus(server: ServeProcess, signer: QuerySigner, jobId: string): Promise<void> {
  const { status, text } = await send(server, await signer.sign('GetStatus', [['JobId', jobId]], new Date()));
  if (
    status !== 200 ||
    !text.includes(`<JobId>${jobId}</JobId>`) ||
    !text.includes('<ProgressCode>Pending<')
  ) {
    throw new Error(`GetStatus ${jobId}: HTTP ${status} ${text}`);
  }
}

// ---- one measured run ----

interface Run extends Omit<LoadResult, 'cpuSeconds'> {
  name: string;
  operation: 'GetStatus' | 'CreateJob';
  connections: number;
  poolSize: number;
  server: { cpuSeconds: number; cpuPercent: number; peakRssMiB: number };
  loadGenerator: { cpuSeconds: number };
  /** The machine's 1-minute load average before the run. */
  loadAverageBefore: number;
  /** The server's event-loop delay during the run, ms (null if it did not answer). */
  loopDelayMs: LoopDelay | null;
  /** CPU (in cores) that processes other than the server and the load generator used during the run: contention. */
  otherCores: number;
}

async function runLoad(spec: LoadSpec, loadJs: string, tmp: string): Promise<LoadResult> {
  const specPath = join(tmp, `spec-${Date.now()}.json`);
  await writeFile(specPath, JSON.stringify(spec));
  const child = spawn(process.execPath, [loadJs, specPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  await rm(specPath, { force: true });
  if (code !== 0) throw new Error(`load generator exited with code ${code}`);
  return JSON.parse(stdout) as LoadResult;
}

async function measure(
  name: string,
  operation: Run['operation'],
  connections: number,
  durationS: number,
  pool: () => Promise<PresignedRequest[]>,
  ctx: { server: ServeProcess; loadJs: string; tmp: string; quietWaitS: number },
): Promise<Run> {
  if (ctx.quietWaitS > 0) await waitForQuiet(0.3, ctx.quietWaitS);
  const requests = await pool();
  await ctx.server.loopDelay(); // starts a new measurement
  const loadAverageBefore = round(loadavg()[0] ?? 0, 2);
  process.stdout.write(`  ${name}: ${operation}, ${connections} connections, ${durationS} s ...`);
  const cpuBefore = cpuSeconds(ctx.server.pid);
  const busyBefore = machineBusySeconds();
  const stopRss = sampleRss(ctx.server.pid);
  const started = performance.now();
  const result = await runLoad(
    { url: ctx.server.url, connections, durationSeconds: durationS, requests },
    ctx.loadJs,
    ctx.tmp,
  );
  const wallS = (performance.now() - started) / 1000;
  const peakRssMiB = stopRss();
  const serverCpu = cpuSeconds(ctx.server.pid) - cpuBefore;
  const busy = machineBusySeconds() - busyBefore;
  const loopDelayMs = await ctx.server.loopDelay();
  process.stdout.write(` ${Math.round(result.requestsPerSecond)} req/s\n`);
  const { cpuSeconds: loadCpu, ...load } = result;
  return {
    name,
    operation,
    connections,
    poolSize: requests.length,
    ...load,
    server: {
      cpuSeconds: round(serverCpu, 2),
      cpuPercent: round((serverCpu / wallS) * 100, 1),
      peakRssMiB: round(peakRssMiB, 1),
    },
    loadGenerator: { cpuSeconds: round(loadCpu, 2) },
    loadAverageBefore,
    loopDelayMs,
    otherCores: round(Math.max(0, busy - serverCpu - loadCpu) / wallS, 2),
  };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

// ---- report ----

interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

function checks(runs: Run[]): Check[] {
  const out: Check[] = [];
  const getStatus = runs.filter((r) => r.operation === 'GetStatus' && r.name !== 'warm-up');
  if (getStatus.length > 0) {
    const fastEnough = getStatus.filter((r) => r.latencyMs.p99 < TARGETS.getStatusP99Ms);
    const best = (fastEnough.length > 0 ? fastEnough : getStatus).reduce((a, b) =>
      b.requestsPerSecond > a.requestsPerSecond ? b : a,
    );
    out.push({
      target: `GetStatus >= ${TARGETS.getStatusPerSecond} req/s (best run: ${best.connections} connections)`,
      measured: `${Math.round(best.requestsPerSecond)} req/s`,
      pass: best.requestsPerSecond >= TARGETS.getStatusPerSecond,
    });
    out.push({
      target: `GetStatus p99 < ${TARGETS.getStatusP99Ms} ms (same run)`,
      measured: `${best.latencyMs.p99} ms`,
      pass: best.latencyMs.p99 < TARGETS.getStatusP99Ms,
    });
  }
  const createJob = runs.filter((r) => r.operation === 'CreateJob' && r.name !== 'warm-up');
  if (createJob.length > 0) {
    const best = createJob.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    out.push({
      target: `CreateJob >= ${TARGETS.createJobPerSecond} req/s`,
      measured: `${Math.round(best.requestsPerSecond)} req/s`,
      pass: best.requestsPerSecond >= TARGETS.createJobPerSecond,
    });
  }
  const failed = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
  out.push({
    target: 'no non-2xx, errors or timeouts (every run)',
    measured: String(failed),
    pass: failed === 0,
  });
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

function report(runs: Run[], results: Check[]): string {
  const rows = [
    [
      'run',
      'conns',
      'req/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'non-2xx',
      'errors',
      'srv CPU s',
      'srv CPU %',
      'srv RSS MiB',
      'loop p99/max ms',
      'other cores',
    ],
    ...runs.map((r) => [
      `${r.name} ${r.operation}`,
      String(r.connections),
      String(Math.round(r.requestsPerSecond)),
      String(r.latencyMs.p50),
      String(r.latencyMs.p90),
      String(r.latencyMs.p99),
      String(r.latencyMs.max),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      r.server.cpuSeconds.toFixed(2),
      r.server.cpuPercent.toFixed(1),
      r.server.peakRssMiB.toFixed(1),
      r.loopDelayMs === null ? '-' : `${r.loopDelayMs.p99}/${r.loopDelayMs.max}`,
      r.otherCores.toFixed(2),
    ]),
  ];
  const targetRows = [
    ['target', 'measured', ''],
    ...results.map((c) => [c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
  ];
  return `${table(rows)}\n\n${table(targetRows)}`;
}

function gitCommit(root: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

// ---- main ----

async function main(): Promise<number> {
  const opts = options();
  const cli = join(opts.root, 'bin', 'longshore.js');
  if (!existsSync(join(opts.root, 'dist', 'cli', 'main.js'))) throw new Error('build first: npm run build');
  const loadJs = fileURLToPath(new URL('./load.js', import.meta.url));
  const tmp = await mkdtemp(join(tmpdir(), 'longshore-bench-'));
  const dataDir = join(tmp, 'data');
  const [port, smtpPort] = [await freePort(), await freePort()];
  const loopDelayJs = pathToFileURL(fileURLToPath(new URL('./loop-delay.js', import.meta.url))).href;
  const nodeArgs = ['--import', loopDelayJs];
  if (opts.cpuProfDir !== null) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  if (opts.cpuProfDir !== null) await mkdir(opts.cpuProfDir, { recursive: true });
  const serveArgs = [
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--smtp-port',
    String(smtpPort),
    '--create-job-quota',
    '10000000',
  ];

  console.log(
    `longshore bench:api - ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
  );
  const server = await startServe(cli, serveArgs, nodeArgs);
  try {
    console.log(`  server pid ${server.pid} on ${server.url}, data in ${dataDir}`);
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    const account = await adminCall<Credentials>(server, token, '/accounts', {
      emails: ['bench@example.org'],
      name: 'Bench',
    });
    await adminCall(server, token, '/buckets', { name: BUCKET, owner: account.accessKeyId });
    const signer = new QuerySigner(server.url, {
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
    });

    const setup = await createJobs(server, signer, opts.jobs, 10);
    console.log(
      `  setup: ${opts.jobs} jobs created (${Math.round(setup.perSecond)}/s with fetch, 10 at a time)`,
    );
    await checkGetStatus(server, signer, setup.jobIds[0]!);

    const ctx = { server, loadJs, tmp, quietWaitS: opts.quietWaitS };
    const getStatusPool = () =>
      signer.pool('GetStatus', setup.jobIds.length, (i) => [['JobId', setup.jobIds[i]!]]);
    const createJobPool = () => signer.pool('CreateJob', 64, createJobParams);
    const runs: Run[] = [];
    if (opts.only !== 'createjob') {
      runs.push(
        await measure('warm-up', 'GetStatus', opts.connections[0]!, opts.warmupS, getStatusPool, ctx),
      );
      for (const c of opts.connections) {
        runs.push(await measure(`c${c}`, 'GetStatus', c, opts.durationS, getStatusPool, ctx));
      }
    }
    if (opts.only !== 'getstatus') {
      if (opts.only === 'createjob') {
        runs.push(
          await measure('warm-up', 'CreateJob', opts.createConnections, opts.warmupS, createJobPool, ctx),
        );
      }
      runs.push(
        await measure(
          `c${opts.createConnections}`,
          'CreateJob',
          opts.createConnections,
          opts.durationS,
          createJobPool,
          ctx,
        ),
      );
    }

    const memory = memoryMiB(server.pid);
    const results = checks(runs);
    const pass = results.every((c) => c.pass);
    console.log(
      `\n${report(runs, results)}\n\nserver peak RSS over the whole bench: ${memory.peak.toFixed(1)} MiB`,
    );

    const at = new Date();
    const stamp = at
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z');
    await mkdir(opts.resultsDir, { recursive: true });
    const file = join(opts.resultsDir, `api-${stamp}.json`);
    const document = {
      bench: 'api',
      at: at.toISOString(),
      label: opts.label,
      commit: gitCommit(opts.root),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? null,
        memoryMiB: Math.round(totalmem() / 2 ** 20),
        node: process.version,
      },
      server: {
        store: 'embedded (PGlite)',
        args: serveArgs.map((a) => (a === dataDir ? '<temporary directory>' : a)),
        cpuProfile: opts.cpuProfDir !== null,
        peakRssMiB: round(memory.peak, 1),
      },
      options: {
        quietWaitS: opts.quietWaitS,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        connections: opts.connections,
        createConnections: opts.createConnections,
        jobs: opts.jobs,
      },
      setup: { jobs: opts.jobs, createJobPerSecondSequentialFetch: round(setup.perSecond, 1) },
      targets: TARGETS,
      runs,
      checks: results,
      pass,
    };
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`results: ${file}\n${pass ? 'PASS' : 'FAIL'}`);
    return pass || !opts.fail ? 0 : 1;
  } finally {
    await server.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
