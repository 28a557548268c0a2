import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportLogRow } from '../../../../src/station/import-log/index.js';
import type { LoadSummary } from '../../../../src/station/loader/index.js';
import {
  bench,
  BUCKET,
  contentOf,
  fatImage,
  md5,
  MIB,
  objectBytes,
  rowsByFile,
  scratch,
  standardTree,
  uploadedLog,
  type Bench,
} from './load-fixtures.js';

// A load into a store that takes streamed PUTs: files above singlePutMax and up to streamPutMax go
// as one streamed PUT each (checked by the ETag answered), larger ones still in parts.

const space = scratch('loader-streamed-');
const tree = standardTree();
let b: Bench;
let summary: LoadSummary;
let rows: Map<string, ImportLogRow>;

beforeAll(async () => {
  b = await bench(space.dir, fatImage(space.dir, tree));
  b.store.takeStreams();
  // big/two.bin (11 MiB) streams; big/one.bin (12 MiB + 321) is over streamPutMax.
  summary = await b.load({ singlePutMax: 5 * MIB, streamPutMax: 12 * MIB });
  rows = rowsByFile(await uploadedLog(b.store));
});

afterAll(() => space.remove());

describe('a load into a store that takes streamed PUTs', () => {
  it('sends a file up to streamPutMax as one streamed PUT, a larger one in parts', () => {
    const streamed = b.store.calls.filter((c) => c.streamed === true).map((c) => c.key);
    expect(streamed).toEqual(['disk/big/two.bin']);
    expect(b.store.count('UploadPart', 'disk/big/one.bin')).toBe(3);
    expect(b.store.count('PutObject', 'disk/big/one.bin')).toBe(0);
    expect(summary).toMatchObject({ outcome: 'finished', errors: 0 });
  });

  it('stores the streamed file whole, with a 200 OK row carrying its MD5 and the same ETag', async () => {
    const bytes = contentOf(tree['big/two.bin']!);
    expect(md5(await objectBytes(b.store, BUCKET, 'disk/big/two.bin'))).toBe(md5(bytes));
    expect(rows.get('big/two.bin')).toMatchObject({
      status: 200,
      code: 'OK',
      md5: md5(bytes),
      bytes: 11 * MIB,
    });
    expect((await b.store.headObject(BUCKET, 'disk/big/two.bin'))?.etag).toBe(`"${md5(bytes)}"`);
  });
});
