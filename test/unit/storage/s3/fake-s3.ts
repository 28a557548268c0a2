import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { openS3Store, type S3StoreOptions } from '../../../../src/storage/s3/index.js';
import type { ObjectStore } from '../../../../src/storage/index.js';

/** How the fake server treats one request (it reads the whole body first). */
export type FakeBehaviour = (req: IncomingMessage, res: ServerResponse, socket: Socket) => void;

/** A local HTTP server standing in for a misbehaving S3 endpoint, with what it saw. */
export interface FakeS3 {
  endpoint: string;
  /** Requests received (a retrying client would send more than one). */
  requests: number;
  /** TCP connections accepted. */
  connections: number;
  /** The adapter on this server, with any extra options. */
  open(options?: Partial<S3StoreOptions>): ObjectStore;
}

/**
 * Starts a fake S3 endpoint on a free port that answers every request with `behaviour`; the
 * server and the stores opened on it are closed after each test.
 */
export function useFakeS3(): (behaviour: FakeBehaviour) => Promise<FakeS3> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (behaviour) => {
    const sockets = new Set<Socket>();
    const fake = { endpoint: '', requests: 0, connections: 0 } as FakeS3;
    const server: Server = createServer((req, res) => {
      fake.requests += 1;
      req.resume();
      req.on('end', () => behaviour(req, res, req.socket));
    });
    server.on('connection', (socket) => {
      fake.connections += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.open = (options = {}) => {
      const store = openS3Store({
        endpoint: fake.endpoint,
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
        ...options,
      });
      cleanups.push(() => store.close());
      return store;
    };
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return fake;
  };
}

/** An S3-style XML error answer. */
export function answerError(res: ServerResponse, status: number, code: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>fake</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
