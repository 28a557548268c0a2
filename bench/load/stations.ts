/**
 * The storage targets of a bench run, started as needed, each with its own `longshore serve`
 * (bucket creation goes to the serve's storage target, and `station load` uses the same data
 * directory and target): the Ceph gateway; the embedded store, in a data directory on the same
 * disk as the work directory (where the cp and tar bounds copy to); the null S3 sink.
 */
import { createServer } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSet } from './datasets.js';
import { removeEmbeddedDir, settleFreedInodes } from './freed-inodes.js';
import { startStation, type Station } from './longshore.js';
import type { LoadBenchOptions, TargetName } from './options.js';
import { requestCounts } from './rgw-counters.js';
import type { Gateway } from './rgw.js';
import type { RunTarget } from './run-context.js';
import { startSink, type Sink } from './sink-process.js';

/** The started targets and how to stop them. */
export interface StartedTargets {
  readonly targets: Partial<Record<TargetName, RunTarget>>;
  readonly sink: Sink | null;
  /** The folder for the embedded store's bounds (cp -r, tar), on the work directory's disk. */
  readonly embeddedDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** True when Longshore loads into the embedded store and the sink (a device of storeDevices in tools). */
function storeLongshore(options: LoadBenchOptions): boolean {
  return options.storeDevices.some((device) => options.tools.includes(`longshore-${device}`));
}

/** Which targets this run needs: those asked for that have a set (and, for Longshore, a tool). */
function needed(options: LoadBenchOptions, sets: readonly DataSet[]): Set<TargetName> {
  const names = new Set<TargetName>();
  const longshore = storeLongshore(options);
  const throughput = sets.some((set) => set.name !== 'D');
  const memory = sets.some((set) => set.name === 'B' || set.name === 'D');
  if (options.targets.includes('rgw') && throughput) names.add('rgw');
  if (options.targets.includes('embedded') && throughput) names.add('embedded');
  if (options.targets.includes('sink') && memory && longshore) names.add('sink');
  return names;
}

/**
 * Starts the stations (and the sink) the run needs. Throws when one does not come up; what was
 * started by then is stopped first.
 */
export async function startTargets(
  root: string,
  options: LoadBenchOptions,
  sets: readonly DataSet[],
  context: { gateway: Gateway | null; work: string; log: (line: string) => void },
): Promise<StartedTargets> {
  const names = needed(options, sets);
  const stations: Station[] = [];
  const targets: Partial<Record<TargetName, RunTarget>> = {};
  const embeddedDir = join(context.work, 'embedded');
  let sink: Sink | null = null;
  const start = async (s3: Parameters<typeof startStation>[2]['s3'], dataParent?: string) => {
    const ports = { http: await freePort(), smtp: await freePort() };
    const load = { concurrency: options.longshoreConcurrency, cpuProf: options.cpuProf };
    const station = await startStation(root, ports, { s3, dataParent, ...load });
    stations.push(station);
    return station;
  };
  const stop = async () => {
    for (const station of stations) await station.stop();
    await sink?.stop();
    await removeEmbeddedDir(embeddedDir);
  };
  try {
    const gateway = context.gateway;
    if (names.has('rgw') && gateway !== null) {
      const longshore = options.tools.some((tool) => tool.startsWith('longshore'));
      targets.rgw = {
        name: 'rgw',
        station: longshore ? await start(gateway) : null,
        daemons: gateway.daemons,
        requests: async () => (await requestCounts(gateway.asok)).requests,
      };
    }
    if (names.has('embedded')) {
      // Quick mode's sets are too small for its ratios to depend on it, and it must stay quick.
      if (!options.quick) await settleFreedInodes(context.log);
      await mkdir(embeddedDir, { recursive: true });
      const station = storeLongshore(options) ? await start(null, embeddedDir) : null;
      targets.embedded = { name: 'embedded', station, daemons: [], requests: async () => 0 };
    }
    if (names.has('sink')) {
      const running = await startSink();
      sink = running;
      const s3 = { endpoint: running.endpoint, accessKeyId: 'sink', secretAccessKey: 'sink-secret' };
      targets.sink = {
        name: 'sink',
        station: await start(s3),
        daemons: [{ name: 'null-sink', pid: running.pid }],
        requests: async () => (await running.stats('')).requests,
      };
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { targets, sink, embeddedDir, stop };
}
