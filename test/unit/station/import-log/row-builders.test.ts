import { afterAll, describe, expect, it } from 'vitest';
import { createKeyPlanner, type PlannedFile } from '../../../../src/station/plan/index.js';
import {
  errorCount,
  logStatusOf,
  rowForPlan,
  rowForUnlistedDirectory,
  rowForUpload,
} from '../../../../src/station/import-log/index.js';
import { file, manifestWith } from '../plan/fixtures.js';

const at = new Date(Date.UTC(2026, 10, 23, 10, 15, 0, 7));
const ctx = { bucket: 'photos', at };
const planner = createKeyPlanner(manifestWith('prefix: in/\nignore:\n  - \\.tmp$\n'));
afterAll(() => planner.close());

function planned(path: string, extra = {}): PlannedFile {
  const result = planner.plan(file(path, extra));
  if (!result) throw new Error('a directory');
  return result;
}

describe('rows from planner decisions', () => {
  it('logs the SIGNATURE file as 103 Ignored without key or MD5 (A-Ex example)', () => {
    const plan = planned('SIGNATURE', { size: 90 });
    expect(plan.action === 'skip' && rowForPlan(file('SIGNATURE', { size: 90 }), plan, ctx)).toEqual({
      dateTime: '2026-11-23T10:15:00.007Z',
      file: 'SIGNATURE',
      status: 103,
      code: 'Ignored',
      key: '',
      md5: '',
      bytes: 90,
      contentType: 'text/plain',
    });
  });

  it('logs a symlink as 103 Ignored with no Content-Type', () => {
    const entry = { ...file('link'), type: 'symlink' as const, size: 0 };
    const plan = planner.plan(entry);
    expect(plan?.action === 'skip' && rowForPlan(entry, plan, ctx)).toMatchObject({
      status: 103,
      code: 'Ignored',
      contentType: '',
      bytes: 0,
    });
  });

  it('logs a planned failure with its status, code and would-be key', () => {
    const entry = file('huge.img', { size: 6 * 1024 ** 4 });
    const plan = planner.plan(entry);
    expect(plan?.action === 'fail' && rowForPlan(entry, plan, ctx)).toMatchObject({
      status: 400,
      code: 'EntityTooLarge',
      key: 'photos/in/huge.img',
      bytes: 6 * 1024 ** 4,
      contentType: 'binary/octet-stream',
    });
  });
});

describe('rows from upload outcomes', () => {
  const plan = planned('Notice.txt');
  if (plan.action !== 'upload') throw new Error('expected an upload');

  it('logs a stored file as 200 OK with bucket/key, MD5, bytes and the type sent', () => {
    const outcome = {
      ok: true as const,
      md5Hex: 'f60fe317a0a3c4a2dc6e1b37bc0c4a59',
      bytes: 13,
      contentType: 'text/plain',
    };
    expect(rowForUpload(file('Notice.txt'), plan, outcome, ctx)).toEqual({
      dateTime: '2026-11-23T10:15:00.007Z',
      file: 'Notice.txt',
      status: 200,
      code: 'OK',
      key: 'photos/in/Notice.txt',
      md5: 'f60fe317a0a3c4a2dc6e1b37bc0c4a59',
      bytes: 13,
      contentType: 'text/plain',
    });
  });

  it("logs a refused upload with the catalog's log status", () => {
    const denied = rowForUpload(file('Notice.txt'), plan, { ok: false, code: 'AccessDenied' }, ctx);
    expect(denied).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      md5: '',
      bytes: 13,
      contentType: 'text/plain',
    });
    const slow = rowForUpload(file('Notice.txt'), plan, { ok: false, code: 'SlowDown' }, ctx);
    expect(slow).toMatchObject({ status: 503, code: 'SlowDown' });
    const unread = rowForUpload(file('Notice.txt'), plan, { ok: false, code: 'ReadError', bytes: 4096 }, ctx);
    expect(unread).toMatchObject({ status: 508, code: 'ReadError', bytes: 4096 });
  });

  it('logs a directory that could not be listed as 508 ReadError with unknown size', () => {
    expect(rowForUnlistedDirectory('broken/dir', { at })).toMatchObject({
      file: 'broken/dir',
      status: 508,
      code: 'ReadError',
      bytes: null,
    });
  });

  it('maps codes to their log status', () => {
    expect([logStatusOf('OK'), logStatusOf('Ignored'), logStatusOf('ReadError')]).toEqual([200, 103, 508]);
    expect([logStatusOf('InvalidSubstitution'), logStatusOf('KeyTooLong'), logStatusOf('BadDigest')]).toEqual(
      [400, 400, 400],
    );
  });
});

describe('errorCount', () => {
  it('counts rows whose status is neither 200 nor 103', () => {
    const statuses = [200, 103, 508, 400, 200, 403, 503, 103, 201];
    expect(errorCount(statuses.map((status) => ({ status })))).toBe(5);
    expect(errorCount([])).toBe(0);
  });
});
