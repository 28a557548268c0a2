import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectHeaders } from '../../../../src/storage/port.js';
import {
  BUILT_IN_CONTENT_TYPES,
  createKeyPlanner,
  headersForContent,
  type KeyPlanner,
  type PlannedUpload,
} from '../../../../src/station/plan/index.js';
import { file, manifestWith, MTIME } from './fixtures.js';

const planners: KeyPlanner[] = [];
afterEach(async () => {
  await Promise.all(planners.splice(0).map((p) => p.close()));
});

function upload(extra: string, path: string, entry = {}): PlannedUpload {
  const p = createKeyPlanner(manifestWith(extra));
  planners.push(p);
  const result = p.plan(file(path, entry));
  if (result?.action !== 'upload') throw new Error(`expected an upload, got ${JSON.stringify(result)}`);
  return result;
}

const headersOf = (extra: string, path: string): ObjectHeaders => upload(extra, path).headers;
const typeOf = (extra: string, path: string) => headersOf(extra, path).contentType;
const GZIP = Uint8Array.from([0x1f, 0x8b, 0x08, 0]);
const PLAIN = Buffer.from('<html>');

describe('Content-Type', () => {
  it('comes from the built-in table, whatever the extension case', () => {
    expect(typeOf('', 'a/photo.jpg')).toBe('image/jpeg');
    expect(typeOf('', 'a/PHOTO.JPG')).toBe('image/jpeg');
    expect(typeOf('', 'doc.pdf')).toBe('application/pdf');
    expect(Object.keys(BUILT_IN_CONTENT_TYPES).length).toBeGreaterThanOrEqual(100);
  });

  it('prefers the manifest contentTypes, matched case-sensitively', () => {
    const extra = 'contentTypes:\n  jpg: image/x-custom\n  .raw: image/x-raw\n';
    expect(typeOf(extra, 'a.jpg')).toBe('image/x-custom');
    expect(typeOf(extra, 'a.JPG')).toBe('image/jpeg');
    expect(typeOf(extra, 'shot.raw')).toBe('image/x-raw');
  });

  it('tries compound extensions of the manifest, longest first', () => {
    const extra = 'contentTypes:\n  tar.gz: application/x-gtar\n';
    expect(typeOf(extra, 'src/v1.2.tar.gz')).toBe('application/x-gtar');
    expect(typeOf(extra, 'notes.gz')).toBe('application/gzip');
  });

  it('falls back to defaultContentType, binary/octet-stream unless set', () => {
    expect(typeOf('', 'README')).toBe('binary/octet-stream');
    expect(typeOf('', 'data.unknownext')).toBe('binary/octet-stream');
    expect(typeOf('defaultContentType: application/x-mine\n', 'README')).toBe('application/x-mine');
  });

  it('treats a leading dot as a hidden file, not an extension, and looks at the last component', () => {
    expect(typeOf('', '.txt')).toBe('binary/octet-stream');
    expect(typeOf('', 'v1.0/README')).toBe('binary/octet-stream');
    expect(typeOf('', 'dir.d/.profile.txt')).toBe('text/plain');
  });
});

describe('setContentEncodingForGzFiles', () => {
  const on = 'setContentEncodingForGzFiles: yes\n';

  it('is off by default: no gzip variant, .gz keeps its own type', () => {
    const plan = upload('', 'text1.html.gz');
    expect(plan.gzipHeaders).toBeUndefined();
    expect(headersForContent(plan, GZIP)).toEqual(plan.headers);
    expect(plan.headers.contentType).toBe('application/gzip');
  });

  it('gives gzip streams Content-Encoding and the inner type (A-S3Imp examples)', () => {
    const html = upload(on, 'text1.html.gz');
    expect(headersForContent(html, GZIP)).toMatchObject({
      contentEncoding: 'gzip',
      contentType: 'text/html',
    });
    const noGz = upload(on, 'text2.html');
    expect(headersForContent(noGz, GZIP)).toMatchObject({
      contentEncoding: 'gzip',
      contentType: 'text/html',
    });
    const gzipExt = upload(on, 'text.gzip');
    expect(headersForContent(gzipExt, GZIP)).toMatchObject({
      contentEncoding: 'gzip',
      contentType: 'binary/octet-stream',
    });
  });

  it('leaves files that are not gzip alone, .gz name or not', () => {
    const plain = upload(on, 'text3.html');
    expect(headersForContent(plain, PLAIN)).toEqual({
      contentType: 'text/html',
      acl: 'private',
      storageClass: 'STANDARD',
    });
    const fakeGz = upload(on, 'fake.html.gz');
    expect(headersForContent(fakeGz, PLAIN).contentEncoding).toBeUndefined();
    expect(headersForContent(fakeGz, PLAIN).contentType).toBe('application/gzip');
    expect(headersForContent(fakeGz, new Uint8Array([0x1f])).contentEncoding).toBeUndefined();
  });
});

describe('headers copied from the manifest', () => {
  it('sends acl and storageClass, private and STANDARD by default', () => {
    expect(headersOf('', 'a.txt')).toEqual({
      contentType: 'text/plain',
      acl: 'private',
      storageClass: 'STANDARD',
    });
    expect(headersOf('acl: public-read\nstorageClass: REDUCED_REDUNDANCY\n', 'a.txt')).toMatchObject({
      acl: 'public-read',
      storageClass: 'REDUCED_REDUNDANCY',
    });
  });

  it('copies cacheControl, contentDisposition, contentLanguage and expires verbatim', () => {
    const extra =
      'cacheControl: max-age=3600\ncontentDisposition: attachment\ncontentLanguage: Spanish\nexpires: tomorrow\n';
    const headers = headersOf(extra, 'a.txt');
    expect(headers).toMatchObject({
      cacheControl: 'max-age=3600',
      contentDisposition: 'attachment',
      contentLanguage: 'Spanish',
      expires: 'tomorrow',
    });
    expect(upload(`${extra}setContentEncodingForGzFiles: yes\n`, 'a.txt').gzipHeaders).toMatchObject({
      cacheControl: 'max-age=3600',
      expires: 'tomorrow',
    });
  });

  it('omits the optional headers and metadata when the manifest has none', () => {
    const headers = headersOf('', 'a.txt');
    for (const name of ['cacheControl', 'contentDisposition', 'contentLanguage', 'expires', 'metadata']) {
      expect(headers).not.toHaveProperty(name);
    }
  });
});

describe('metadata', () => {
  it('carries staticMetadata with normalised names', () => {
    const headers = headersOf('staticMetadata:\n  Project: apollo\n  x-amz-meta-Owner: ops\n', 'a.txt');
    expect(headers.metadata).toEqual({ project: 'apollo', owner: 'ops' });
  });

  it('stores the mtime as ISO-8601 UTC under diskTimestampMetadataKey', () => {
    const headers = headersOf('diskTimestampMetadataKey: Disk-Time\nstaticMetadata:\n  a: b\n', 'a.txt');
    expect(MTIME.toISOString()).toBe('2014-06-01T12:30:05.250Z');
    expect(headers.metadata).toEqual({ a: 'b', 'disk-time': '2014-06-01T12:30:05.250Z' });
    const perFile = upload('diskTimestampMetadataKey: t\n', 'b.txt', { mtime: new Date(0) });
    expect(perFile.headers.metadata).toEqual({ t: '1970-01-01T00:00:00.000Z' });
  });

  it('leaves the timestamp out for an invalid date', () => {
    const plan = upload('diskTimestampMetadataKey: t\n', 'a.txt', { mtime: new Date(Number.NaN) });
    expect(plan.headers.metadata).toBeUndefined();
  });

  it('fails a file whose metadata exceeds 2 KB with 400 MetadataTooLarge', () => {
    // 2,048 bytes of static metadata pass validation; a timestamp from beyond year 9999 adds more.
    const extra = `diskTimestampMetadataKey: t\nstaticMetadata:\n  big: ${'v'.repeat(2020)}\n`;
    const p = createKeyPlanner(manifestWith(extra));
    planners.push(p);
    expect(p.plan(file('ok.txt'))).toMatchObject({ action: 'upload' });
    const far = new Date(Date.UTC(275000, 0, 1));
    expect(p.plan(file('far.txt', { mtime: far }))).toMatchObject({
      action: 'fail',
      status: 400,
      code: 'MetadataTooLarge',
      key: 'far.txt',
    });
  });
});
