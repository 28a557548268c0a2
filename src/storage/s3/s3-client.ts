import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { DirectPutter } from './direct-put.js';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where and how the S3 adapter connects. */
export interface S3StoreOptions {
  /** `http://host:port` or `https://host`; buckets are addressed path-style. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing region (default `us-east-1`, which S3-compatible servers accept). */
  region?: string;
  /** Connections kept open to the endpoint (default 64). */
  maxSockets?: number;
  /** Time to open a connection before RequestTimeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Time a connection may stay silent in the middle of a request before RequestTimeout (default 120 s). */
  idleTimeoutMs?: number;
}

/** The SDK client, the direct data path, and what must be released with them. */
export interface S3Connection {
  client: S3Client;
  /** PutObject and UploadPart without the SDK (see direct-put.ts), on the same agents. */
  putter: DirectPutter;
  close(): void;
}

const DEFAULT_MAX_SOCKETS = 64;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * An S3Client set up for the loader: path-style addressing, keep-alive agents sized by
 * `maxSockets`, no SDK retries (maxAttempts 1: the loader retries with its own backoff and must
 * see every failure), and checksums only where the API requires them, so that the SDK adds no
 * CRC32 trailers (RGW 16 does not take them). Object bodies do not go through the SDK: see
 * `putter` (direct-put.ts), which signs a body sent with Content-MD5 as UNSIGNED-PAYLOAD.
 * Throws only on options the SDK refuses (e.g. an endpoint that is not a URL).
 */
export function connectS3(options: S3StoreOptions): S3Connection {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      socketTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    }),
  });
  const endpoint = new URL(options.endpoint);
  const putter = new DirectPutter({
    endpoint,
    region: options.region ?? 'us-east-1',
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    agent: endpoint.protocol === 'https:' ? httpsAgent : httpAgent,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  });
  return {
    client,
    putter,
    close() {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
