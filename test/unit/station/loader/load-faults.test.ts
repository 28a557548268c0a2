import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { SourceFile } from '../../devices/fat/fat-images.js';
import {
  bench,
  BUCKET,
  contentOf,
  fatImage,
  manifestText,
  md5,
  objectBytes,
  rowsByFile,
  scratch,
  standardTree,
  uploadedLog,
} from './load-fixtures.js';

// FAULT INJECTION through the store wrapper: 503s, 500s, connection resets and damaged bodies are
// retried and the files land intact; a refusal that retries cannot cure becomes that file's log
// row with its status and code, and the load goes on; multipart uploads that fail are aborted.

const space = scratch('loader-faults-');
const tree = standardTree(6);
let image: string;
let run = 0;

beforeAll(() => {
  image = fatImage(space.dir, tree);
});
afterAll(() => space.remove());

async function freshBench() {
  const dir = join(space.dir, `run-${++run}`);
  return bench(dir, image);
}

afterEach(() => {
  rmSync(join(space.dir, `run-${run}`), { recursive: true, force: true });
});

const uploadable = () =>
  Object.entries(tree).filter(([p]) => p !== 'SIGNATURE' && !p.endsWith('.tmp')) as [string, SourceFile][];

describe('retries', () => {
  it('503 SlowDown, 500, connection resets and damaged bodies are retried and every file lands intact', async () => {
    const b = await freshBench();
    b.store.inject('slowdown', (c) => c.op === 'PutObject' && c.key.endsWith('file-001.txt'), 2);
    b.store.inject('internal', (c) => c.op === 'PutObject' && c.key.endsWith('readme.txt'), 1);
    b.store.inject('reset', (c) => c.op === 'UploadPart' && c.partNumber === 2, 2);
    b.store.inject(
      'corrupt',
      (c) => c.op === 'UploadPart' && c.key.endsWith('two.bin') && c.partNumber === 1,
      1,
    );
    b.store.inject('corrupt', (c) => c.op === 'PutObject' && c.key.endsWith('file-003.txt'), 1);
    b.store.inject('slowdown', (c) => c.op === 'HeadObject', 3);
    b.store.inject('reset', (c) => c.op === 'CompleteMultipartUpload', 1);
    const summary = await b.load();
    expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
    for (const [path, file] of uploadable()) {
      expect(md5(await objectBytes(b.store, BUCKET, `disk/${path}`)), path).toBe(md5(contentOf(file)));
    }
    expect(b.store.count('PutObject', 'disk/small/file-001.txt')).toBe(3);
    expect(b.store.count('PutObject', 'disk/small/file-003.txt')).toBe(2);
    const retries = b.events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.code)).toEqual(
      expect.arrayContaining(['SlowDown', 'InternalError', 'RequestTimeout', 'BadDigest']),
    );
    expect(b.store.faults.map((rule) => rule.times)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(await b.store.listMultipartUploads(BUCKET, '')).toEqual([]);
  });

  it('a 503 that outlasts the retries becomes a 503 SlowDown row; the load goes on', async () => {
    const b = await freshBench();
    b.store.inject('slowdown', (c) => c.op === 'PutObject' && c.key.endsWith('file-002.txt'));
    const summary = await b.load();
    const rows = rowsByFile(await uploadedLog(b.store));
    const content = contentOf(tree['small/file-002.txt']!);
    expect(rows.get('small/file-002.txt')).toMatchObject({
      status: 503,
      code: 'SlowDown',
      md5: md5(content),
    });
    expect(b.store.count('PutObject', 'disk/small/file-002.txt')).toBe(4);
    expect(summary).toMatchObject({ outcome: 'finished', errors: 1 });
    expect(b.control.finished?.figures.errors).toBe(1);
    expect(rows.get('small/file-003.txt')).toMatchObject({ status: 200 });
  });
});

describe('refusals', () => {
  it('AccessDenied is not retried: a 403 row, and a multipart upload is aborted', async () => {
    const b = await freshBench();
    b.store.inject('deny', (c) => c.op === 'PutObject' && c.key.endsWith('readme.txt'));
    b.store.inject('deny', (c) => c.op === 'UploadPart' && c.key.endsWith('one.bin') && c.partNumber === 2);
    const summary = await b.load();
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.get('readme.txt')).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      key: `${BUCKET}/disk/readme.txt`,
    });
    expect(rows.get('big/one.bin')).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(b.store.count('PutObject', 'disk/readme.txt')).toBe(1);
    expect(b.store.count('AbortMultipartUpload', 'disk/big/one.bin')).toBe(1);
    expect(await b.store.headObject(BUCKET, 'disk/big/one.bin')).toBeNull();
    expect(await b.store.listMultipartUploads(BUCKET, '')).toEqual([]);
    expect(summary.errors).toBe(2);
    const detail = b.events.find((e) => e.type === 'file' && e.row.file === 'readme.txt');
    expect(detail?.type === 'file' && detail.detail).toMatch(/Access Denied|denied/i);
  });

  it('a key over 1024 bytes is a 400 KeyTooLong row without any request; 1024 bytes is fine', async () => {
    const manifest = manifestText().replace('prefix: disk/', `prefix: ${'k'.repeat(1014)}/`);
    const b = await bench(join(space.dir, `run-${++run}`), image, 'FAT32', manifest);
    const summary = await b.load();
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.get('readme.txt')).toMatchObject({ status: 400, code: 'KeyTooLong' }); // 1025 bytes
    expect(rows.get('empty.dat')).toMatchObject({ status: 200, code: 'OK' }); // exactly 1024
    expect(summary.errors).toBe(uploadable().length - 1);
    expect(b.store.count('PutObject')).toBe(2); // empty.dat and the log
  });
});

describe('checking what was stored', () => {
  it('a PUT is checked by the ETag of its answer: no HEAD when the store answers one', async () => {
    const b = await freshBench();
    const summary = await b.load();
    expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
    expect(b.store.count('PutObject')).toBeGreaterThan(5);
    expect(b.store.calls.filter((c) => c.op === 'HeadObject' && !c.key.startsWith('disk/big/'))).toEqual([]);
  });

  it('a PUT answered without an ETag is checked by a HEAD', async () => {
    const b = await freshBench();
    b.store.inject('no-etag', (c) => c.op === 'PutObject' && c.key.endsWith('readme.txt'), 1);
    const summary = await b.load();
    expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
    expect(b.store.count('HeadObject', 'disk/readme.txt')).toBe(1);
    expect(b.store.faults.map((rule) => rule.times)).toEqual([0]);
  });

  it('a PUT answered with an ETag that is not the MD5 sent is a 500 InternalError row', async () => {
    const b = await freshBench();
    b.store.inject('wrong-etag', (c) => c.op === 'PutObject' && c.key.endsWith('readme.txt'), 1);
    const summary = await b.load();
    const rows = rowsByFile(await uploadedLog(b.store));
    expect(rows.get('readme.txt')).toMatchObject({ status: 500, code: 'InternalError' });
    expect(summary.errors).toBe(1);
    const detail = b.events.find((e) => e.type === 'file' && e.row.file === 'readme.txt');
    expect(detail?.type === 'file' && detail.detail).toMatch(/ETag/);
  });
});
