import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  bench,
  BUCKET,
  fatImage,
  md5,
  contentOf,
  objectBytes,
  rowsByFile,
  scratch,
  standardTree,
  uploadedLog,
} from './load-fixtures.js';

// A customer's cancel during a load: the next checkpoint answers {canceled: true}, the station
// stops starting files, aborts multipart uploads in flight, writes the rows of what finished,
// uploads that log and ends the job, all within a couple of seconds.

const space = scratch('loader-cancel-');
const tree = standardTree(40);
let image: string;

beforeAll(() => {
  image = fatImage(space.dir, tree);
});
afterAll(() => space.remove());

describe('cancel during a load', () => {
  it('stops within a couple of seconds and still uploads the log of what was done', async () => {
    const b = await bench(join(space.dir, 'small'), image);
    b.store.delayMs = 40; // a slow store: the load would take several seconds
    let canceledAt = 0;
    const summary = await b.load({
      concurrency: 2,
      onProgress: (event) => {
        b.events.push(event);
        if (
          event.type === 'file' &&
          canceledAt === 0 &&
          b.events.filter((e) => e.type === 'file').length === 6
        ) {
          canceledAt = Date.now();
          b.control.cancel();
        }
      },
    });
    const stoppedAfterMs = Date.now() - canceledAt;
    expect(stoppedAfterMs).toBeLessThan(2000);
    expect(summary).toMatchObject({ outcome: 'canceled', errors: 0 });
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.size).toBe(summary.rows);
    expect(rows.size).toBeGreaterThanOrEqual(6);
    expect(rows.size).toBeLessThan(Object.keys(tree).length);
    for (const row of rows.values()) {
      if (row.status !== 200) continue;
      expect(md5(await objectBytes(b.store, BUCKET, `disk/${row.file}`))).toBe(
        md5(contentOf(tree[row.file]!)),
      );
    }
    expect(b.control.finished).toMatchObject({
      logKey: 'logs/import-log-ABC12.csv',
      figures: { rows: rows.size },
    });
    expect(b.events.some((e) => e.type === 'stopping' && e.reason === 'canceled')).toBe(true);
  });

  it('aborts a multipart upload in flight: no object, no row, no upload left', async () => {
    const b = await bench(join(space.dir, 'multipart'), image);
    b.store.delayMs = 30;
    let canceledAt = 0;
    b.store.onCall = (call) => {
      if (call.op === 'UploadPart' && call.key === 'disk/big/one.bin' && canceledAt === 0) {
        canceledAt = Date.now();
        b.control.cancel();
      }
    };
    const summary = await b.load({ checkpointEveryMs: 50 });
    expect(Date.now() - canceledAt).toBeLessThan(2000);
    expect(summary.outcome).toBe('canceled');
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.has('big/one.bin')).toBe(false);
    expect(await b.store.headObject(BUCKET, 'disk/big/one.bin')).toBeNull();
    expect(b.store.count('AbortMultipartUpload', 'disk/big/one.bin')).toBe(1);
    expect(await b.store.listMultipartUploads(BUCKET, '')).toEqual([]);
    expect(b.control.finished).not.toBeNull();
  });

  it('a job canceled before its load resumes loads nothing and ends with an empty log', async () => {
    const b = await bench(join(space.dir, 'early'), image);
    b.control.cancel();
    const summary = await b.load();
    expect(summary).toMatchObject({ outcome: 'canceled', rows: 0, files: 0 });
    expect(await uploadedLog(b.store)).toEqual([]);
    expect(b.store.count('PutObject')).toBe(1); // the log
  });
});
