import Fastify, { type FastifyInstance } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLabelRoutes, type StoreShippingLabels } from '../../../src/api/labels/index.js';
import { deriveLabelUrlKey, signedLabelUrl } from '../../../src/api/labels/label-url.js';
import { makeServices, type TestServices } from '../../helpers/services.js';
import { ADDRESS, customerWithJobs, labelsFor, STATION_ADDRESS } from './label-fixtures.js';

let s: TestServices;
let labels: StoreShippingLabels;
let app: FastifyInstance;
let base: string;
/** What the routes take as the current time; tests move it to expire links. */
let routeNow: Date;
const errors: unknown[] = [];

beforeAll(async () => {
  s = await makeServices();
  labels = labelsFor(s, 3600);
  routeNow = s.clock.now();
  app = Fastify({ logger: false });
  await registerLabelRoutes(app, {
    store: s.store,
    signingKey: s.signingKey,
    stationAddress: STATION_ADDRESS,
    now: () => routeNow,
    logError: (err) => errors.push(err),
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await s?.close();
});

/** A label for `jobs` new jobs of a new customer, issued with the server's own base URL. */
async function issue(jobs = 1) {
  const c = await customerWithJobs(s, jobs);
  const issued = await labels.issue({ caller: c.key, jobIds: c.jobIds, address: ADDRESS }, base);
  const url = new URL(issued.url);
  const labelId = /^\/labels\/(.+)\.pdf$/.exec(url.pathname)![1]!;
  return { ...c, url, labelId };
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const body = (await response.json()) as { error: { code: string; message: string; action: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.action).not.toBe('');
  return body.error.message;
}

describe('GET /labels/<labelId>.pdf', () => {
  it('serves the PDF to whoever holds the signed link', async () => {
    const label = await issue(2);
    const response = await fetch(label.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="shipping-label-${label.jobIds.join('-')}.pdf"`,
    );
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(2);
    // The same link again gives the same document.
    const again = new Uint8Array(await (await fetch(label.url)).arrayBuffer());
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is valid until Expires, then AccessDenied (403)', async () => {
    const label = await issue();
    const expires = Number(label.url.searchParams.get('Expires'));
    try {
      routeNow = new Date(expires * 1000);
      expect((await fetch(label.url)).status).toBe(200);
      routeNow = new Date((expires + 1) * 1000);
      const message = await expectError(await fetch(label.url), 403, 'AccessDenied');
      expect(message).toMatch(/invalid or has expired/);
    } finally {
      routeNow = s.clock.now();
    }
  });

  it('refuses a tampered signature, expiry or label ID, and a link signed for another owner', async () => {
    const label = await issue();
    const other = await issue();
    const signature = label.url.searchParams.get('Signature')!;
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const tampered = [
      new URL(label.url.href.replace(`Signature=${signature}`, `Signature=${flipped}`)),
      new URL(label.url.href.replace(/Expires=(\d+)/, (_m, e: string) => `Expires=${Number(e) + 3600}`)),
      new URL(label.url.href.replace(label.labelId, other.labelId)),
    ];
    const urlKey = deriveLabelUrlKey(s.signingKey);
    const expires = Number(label.url.searchParams.get('Expires'));
    tampered.push(
      new URL(signedLabelUrl(base, urlKey, { labelId: label.labelId, owner: other.key, expires })),
    );
    // A link made with the signing key itself rather than the derived key.
    tampered.push(
      new URL(signedLabelUrl(base, s.signingKey, { labelId: label.labelId, owner: label.key, expires })),
    );
    for (const url of tampered) await expectError(await fetch(url), 403, 'AccessDenied');
    // The genuine link still works.
    expect((await fetch(label.url)).status).toBe(200);
  });

  it('refuses a missing, repeated or malformed Expires or Signature with AccessDenied', async () => {
    const label = await issue();
    const path = `${base}/labels/${label.labelId}.pdf`;
    const expires = label.url.searchParams.get('Expires')!;
    const signature = label.url.searchParams.get('Signature')!;
    for (const query of [
      '',
      `?Expires=${expires}`,
      `?Signature=${signature}`,
      `?Expires=${expires}&Signature=${signature}&Signature=${signature}`,
      `?Expires=${expires}.0&Signature=${signature}`,
      `?Expires=${expires}&Signature=${signature}%3D`,
    ]) {
      await expectError(await fetch(`${path}${query}`), 403, 'AccessDenied');
    }
  });

  it('answers NoSuchKey (404) for an unknown label and any other file name', async () => {
    const label = await issue();
    const unknown = new URL(label.url.href.replace(label.labelId, 'B'.repeat(22)));
    const message = await expectError(await fetch(unknown), 404, 'NoSuchKey');
    expect(message).toMatch(/No shipping label/);
    for (const file of [`${label.labelId}.png`, label.labelId, 'x.pdf', `${label.labelId}x.pdf`]) {
      await expectError(await fetch(`${base}/labels/${file}${label.url.search}`), 404, 'NoSuchKey');
    }
  });

  it('reports nothing as an internal error', () => {
    expect(errors).toEqual([]);
  });
});
