/**
 * The gateway's own request counters, read from radosgw's admin socket (`perf dump`) without the
 * `ceph` CLI: a request is the JSON command and a NUL byte; the answer is a 4-byte big-endian
 * length and that many bytes of JSON.
 */
import { connect } from 'node:net';

/** Requests radosgw has served since it started (all clients), by kind. */
export interface RequestCounts {
  readonly requests: number;
  readonly gets: number;
  readonly puts: number;
}

function askSocket(path: string, command: object): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer from ${path}`)), 5_000);
    socket.once('connect', () => socket.write(`${JSON.stringify(command)}\0`));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const got = Buffer.concat(chunks);
      if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) socket.end();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * radosgw's request counters from its admin socket `asok`. Throws when the socket does not answer
 * or the answer has no `rgw` section.
 */
export async function requestCounts(asok: string): Promise<RequestCounts> {
  const answer = await askSocket(asok, { prefix: 'perf dump' });
  const length = answer.length >= 4 ? answer.readUInt32BE(0) : 0;
  const dump = JSON.parse(answer.subarray(4, 4 + length).toString()) as { rgw?: Record<string, unknown> };
  if (dump.rgw === undefined) throw new Error(`no rgw counters in the answer of ${asok}`);
  const count = (name: string) => (typeof dump.rgw?.[name] === 'number' ? dump.rgw[name] : 0);
  return { requests: count('req'), gets: count('get'), puts: count('put') };
}

/** after - before. */
export function countsSpent(before: RequestCounts, after: RequestCounts): RequestCounts {
  return {
    requests: after.requests - before.requests,
    gets: after.gets - before.gets,
    puts: after.puts - before.puts,
  };
}
