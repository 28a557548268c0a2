import { fileChunks } from '../../../../src/devices/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportLogRow } from '../../../../src/station/import-log/index.js';
import type { LoadSummary } from '../../../../src/station/loader/index.js';
import type { SourceFile } from '../../devices/fat/fat-images.js';
import type { Call } from './faulty-store.js';
import {
  bench,
  BUCKET,
  contentOf,
  fatImage,
  JOB_ID,
  LOG_BUCKET,
  md5,
  MIB,
  objectBytes,
  rowsByFile,
  scratch,
  standardTree,
  uploadedLog,
  type Bench,
} from './load-fixtures.js';

// A whole load of a FAT32 image into the embedded store: every file lands with its bytes, headers
// and metadata, big files go multipart, every file has exactly one log row, the log is uploaded
// and the job ended with the right figures.

const space = scratch('loader-basic-');
const tree = standardTree();
let b: Bench;
let summary: LoadSummary;
let rows: Map<string, ImportLogRow>;
/** The requests of the load itself (the tests make more through the same store). */
let loadCalls: Call[];

beforeAll(async () => {
  const image = fatImage(space.dir, tree);
  b = await bench(space.dir, image);
  summary = await b.load();
  loadCalls = [...b.store.calls];
  rows = rowsByFile(await uploadedLog(b.store));
});

afterAll(() => space.remove());

const uploadedFiles = () =>
  Object.entries(tree).filter(([path]) => path !== 'SIGNATURE' && !path.endsWith('.tmp')) as [
    string,
    SourceFile,
  ][];

describe('a load of a FAT32 image', () => {
  it('stores every file with its bytes and a 200 OK row carrying its MD5', async () => {
    for (const [path, file] of uploadedFiles()) {
      const bytes = contentOf(file);
      expect(md5(await objectBytes(b.store, BUCKET, `disk/${path}`)), path).toBe(md5(bytes));
      expect(rows.get(path), path).toMatchObject({
        status: 200,
        code: 'OK',
        key: `${BUCKET}/disk/${path}`,
        md5: md5(bytes),
        bytes: bytes.length,
      });
    }
  });

  it('logs the SIGNATURE file and ignored files as 103 Ignored, and nothing else', () => {
    expect(rows.get('SIGNATURE')).toMatchObject({ status: 103, code: 'Ignored', key: '' });
    expect(rows.get('scratch.tmp')).toMatchObject({ status: 103, code: 'Ignored' });
    expect([...rows.keys()].sort()).toEqual(Object.keys(tree).sort());
  });

  it('sends the manifest headers, the disk timestamp and gzip encoding', async () => {
    const readme = await b.store.headObject(BUCKET, 'disk/readme.txt');
    expect(readme).toMatchObject({
      contentType: 'text/plain',
      metadata: { origin: 'station-test', 'disk-mtime': '2019-05-06T07:08:10.000Z' },
    });
    const packed = await b.store.headObject(BUCKET, 'disk/data/archive.bin');
    expect(packed?.contentEncoding).toBe('gzip');
    expect(rows.get('data/archive.bin')?.contentType).toBe(packed?.contentType);
  });

  it('sends files over singlePutMax as multipart (5 MiB parts), the others in one PUT', async () => {
    expect(b.store.count('CreateMultipartUpload')).toBe(2);
    expect(b.store.count('UploadPart', 'disk/big/one.bin')).toBe(3);
    expect(b.store.count('PutObject', 'disk/big/one.bin')).toBe(0);
    expect((await b.store.headObject(BUCKET, 'disk/big/one.bin'))?.etag).toMatch(/-3"$/);
    expect(b.store.count('PutObject', 'disk/readme.txt')).toBe(1);
    // A single PUT is checked by its answer's ETag; a multipart object by a HEAD after completion.
    const headed = new Set(loadCalls.filter((c) => c.op === 'HeadObject').map((c) => c.key));
    expect([...headed].sort()).toEqual(['disk/big/one.bin', 'disk/big/two.bin']);
    // The 1 MiB chunks of the stored parts went back to the pool, for the next file to read into.
    expect(fileChunks.kept).toBeGreaterThan(0);
  });

  it('uploads the log to logBucket/logPrefix, identical to the local one, and ends the job', async () => {
    const key = `logs/import-log-${JOB_ID}.csv`;
    expect(summary.log).toEqual({ bucket: LOG_BUCKET, key, url: `s3://${LOG_BUCKET}/${key}` });
    const local = readFileSync(join(b.workDir, 'loads', JOB_ID, 'import-log.csv'));
    expect(await objectBytes(b.store, LOG_BUCKET, key)).toEqual(local);
    expect(b.control.finished).toMatchObject({ logBucket: LOG_BUCKET, logKey: key, warning: null });
    const bytes = uploadedFiles().reduce((sum, [, file]) => sum + contentOf(file).length, 0);
    expect(b.control.finished?.figures).toMatchObject({
      rows: Object.keys(tree).length,
      files: uploadedFiles().length,
      bytes,
      errors: 0,
      logBytes: local.length,
    });
    expect(summary).toMatchObject({ outcome: 'finished', files: uploadedFiles().length, bytes, errors: 0 });
    expect(summary.bytes).toBeGreaterThan(23 * MIB);
  });

  it('reports typed progress: counted totals, one file event per row, a final progress of 100%', () => {
    const counted = b.events.find((e) => e.type === 'counted');
    expect(counted).toMatchObject({ totals: { files: Object.keys(tree).length } });
    const fileEvents = b.events.filter((e) => e.type === 'file');
    expect(fileEvents).toHaveLength(Object.keys(tree).length);
    const progress = b.events.filter((e) => e.type === 'progress');
    const last = progress[progress.length - 1];
    expect(last?.type === 'progress' && last.progress).toMatchObject({
      filesDone: Object.keys(tree).length,
      etaSeconds: 0,
    });
    expect(b.events[b.events.length - 1]).toMatchObject({
      type: 'finished',
      summary: { outcome: 'finished' },
    });
    expect(b.control.checkpoints.length).toBeGreaterThanOrEqual(1);
    expect(b.control.lastCheckpoint?.rows).toBe(Object.keys(tree).length);
  });
});
