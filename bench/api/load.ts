/**
 * The load generator, run as its own process (never inside the server's): reads a LoadSpec as JSON
 * from the file named by argv[2], runs autocannon over its pre-signed requests (each connection
 * goes round the pool), and prints a LoadResult as one line of JSON.
 */
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './types.js';

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (specPath === undefined) throw new Error('usage: load.js SPEC.json');
  const spec = JSON.parse(await readFile(specPath, 'utf8')) as LoadSpec;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: spec.requests,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count;
  const out: LoadResult = {
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    requestsPerSecondAverage: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    cpuSeconds: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage()),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
