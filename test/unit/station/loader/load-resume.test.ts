import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCompleteLog } from '../../../../src/station/import-log/index.js';
import type { LoadSummary } from '../../../../src/station/loader/index.js';
import type { Call } from './faulty-store.js';
import {
  bench,
  BUCKET,
  contentOf,
  fatImage,
  JOB_ID,
  md5,
  objectBytes,
  rowsByFile,
  scratch,
  standardTree,
  uploadedLog,
  type Bench,
} from './load-fixtures.js';

// Crash safety. A "crash" is simulated in-process: from a chosen store request on, neither the
// store nor the control plane answers any more (the station is dead; the request may or may not
// have been done by the store), and the load folder is copied as it is at that instant (what a
// kill -9 leaves on disk). A second run with that folder, a restarted store and a control plane
// that answers `resumed` with the last checkpoint must end with exactly one row per file, every
// object intact, no multipart upload left over, and no second PUT of an object that was stored.

const space = scratch('loader-resume-');
const tree = standardTree(16);
let image: string;
let runs = 0;

beforeAll(() => {
  image = fatImage(space.dir, tree);
});
afterAll(() => space.remove());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

/** Keys of every object in the bucket. */
async function storedKeys(b: Bench): Promise<Set<string>> {
  const { objects } = await b.store.listObjects(BUCKET, '');
  return new Set(objects.map((o) => o.key));
}

interface CrashResult {
  summary: LoadSummary;
  /** Objects in the bucket when the station died. */
  storedAtCrash: Set<string>;
  /** Keys the second run sent bytes for. */
  resent: string[];
  /** Objects in the bucket when the station died whose file had no row yet. */
  unloggedStored: string[];
  b: Bench;
}

/** Runs a load that dies at `match`, then a second run on what the first left behind. */
async function crashThenResume(
  match: (call: Call) => boolean,
  afterInner: boolean,
  options: { checkpointEveryMs?: number; damage?: (loadDir: string) => void; streams?: boolean } = {},
): Promise<CrashResult> {
  const dir = join(space.dir, `run-${++runs}`);
  const b = await bench(dir, image);
  if (options.streams) b.store.takeStreams(); // big/*.bin (11-12 MiB, over 5 MiB) go streamed
  b.store.crashOn(match, afterInner);
  void b.load({ checkpointEveryMs: options.checkpointEveryMs ?? 100 });
  await until(() => b.store.crashed);
  b.control.hang();
  await sleep(250); // the request let through finishes in the store, as it would on a real server
  const storedAtCrash = await storedKeys(b);
  const workDir = join(dir, 'work-after-crash');
  mkdirSync(workDir);
  cpSync(join(b.workDir, 'loads'), join(workDir, 'loads'), { recursive: true });
  const { logged } = await readCompleteLog(join(workDir, 'loads', JOB_ID, 'import-log.csv'));
  const unloggedStored = [...storedAtCrash].filter((key) => !logged.has(key.slice('disk/'.length)));
  options.damage?.(join(workDir, 'loads', JOB_ID));
  b.control.revive();
  const store = await b.restartStore();
  if (options.streams) store.takeStreams();
  const summary = await b.load({ workDir });
  const resent = store.calls
    .filter((c) => c.op === 'PutObject' || c.op === 'CreateMultipartUpload')
    .map((c) => c.key);
  return { summary, storedAtCrash, resent, unloggedStored, b };
}

/** The checks every resumed load must pass. */
async function expectCompleteLoad({
  summary,
  storedAtCrash,
  resent,
  b,
}: Omit<CrashResult, 'unloggedStored'>): Promise<void> {
  expect(summary).toMatchObject({ outcome: 'finished', resumed: true, errors: 0 });
  const rows = rowsByFile(await uploadedLog(b.store)); // throws on a duplicated row
  expect([...rows.keys()].sort()).toEqual(Object.keys(tree).sort());
  for (const [path, file] of Object.entries(tree)) {
    if (path === 'SIGNATURE' || path.endsWith('.tmp')) continue;
    const bytes = contentOf(file);
    expect(rows.get(path), path).toMatchObject({ status: 200, md5: md5(bytes), bytes: bytes.length });
    expect(md5(await objectBytes(b.store, BUCKET, `disk/${path}`)), path).toBe(md5(bytes));
  }
  expect(resent.filter((key) => storedAtCrash.has(key))).toEqual([]);
  expect(await b.store.listMultipartUploads(BUCKET, '')).toEqual([]);
  expect(b.control.finished?.figures).toMatchObject({ rows: rows.size, errors: 0 });
  expect(b.control.starts).toBe(2);
}

let putCount = 0;
const nthPut = (n: number) => (call: Call) => call.op === 'PutObject' && ++putCount === n;

describe('resume after a crash', () => {
  it('right after a PUT was stored, before its row (no checkpoint taken yet)', async () => {
    putCount = 0;
    const result = await crashThenResume(nthPut(6), true, { checkpointEveryMs: 60_000 });
    expect(result.storedAtCrash.size).toBeGreaterThanOrEqual(6);
    expect(result.unloggedStored.length).toBeGreaterThanOrEqual(1); // checked by HEAD + MD5, not resent
    await expectCompleteLoad(result);
  });

  it('before a PUT reached the store', async () => {
    putCount = 0;
    await expectCompleteLoad(await crashThenResume(nthPut(9), false));
  });

  it('in the middle of a multipart upload: the stale upload is aborted, the file sent again', async () => {
    const result = await crashThenResume(
      (c) => c.op === 'UploadPart' && c.key === 'disk/big/one.bin' && c.partNumber === 2,
      true,
    );
    expect(result.resent).toContain('disk/big/one.bin');
    expect(result.b.store.count('AbortMultipartUpload')).toBeGreaterThanOrEqual(1);
    await expectCompleteLoad(result);
  });

  it('right after a multipart upload completed: the multipart ETag is checked, nothing resent', async () => {
    const result = await crashThenResume(
      (c) => c.op === 'CompleteMultipartUpload' && c.key === 'disk/big/two.bin',
      true,
    );
    expect(result.unloggedStored).toContain('disk/big/two.bin');
    expect(result.resent).not.toContain('disk/big/two.bin');
    await expectCompleteLoad(result);
  });

  it('right after a streamed PUT was stored: its MD5 is checked against the ETag, nothing resent', async () => {
    const streamed = (c: Call) => c.streamed === true && c.key === 'disk/big/two.bin';
    const result = await crashThenResume(streamed, true, { checkpointEveryMs: 60_000, streams: true });
    expect(result.unloggedStored).toContain('disk/big/two.bin');
    expect(result.resent).not.toContain('disk/big/two.bin');
    expect(result.b.store.count('HeadObject', 'disk/big/two.bin')).toBe(1);
    await expectCompleteLoad(result);
  });

  it('cut off during a streamed PUT: nothing was stored, the file is sent again', async () => {
    const streamed = (c: Call) => c.streamed === true && c.key === 'disk/big/one.bin';
    const result = await crashThenResume(streamed, false, { streams: true });
    expect(result.storedAtCrash.has('disk/big/one.bin')).toBe(false);
    expect(result.resent).toContain('disk/big/one.bin');
    await expectCompleteLoad(result);
  });

  it('with a torn last row in the local log', async () => {
    putCount = 0;
    const result = await crashThenResume(nthPut(12), true, {
      damage: (dir) => appendFileSync(join(dir, 'import-log.csv'), '2026-01-01T00:00:00.000Z,small/fi'),
    });
    await expectCompleteLoad(result);
  });

  it('with the local log and journal lost: every file is checked in the bucket, none resent', async () => {
    putCount = 0;
    const result = await crashThenResume(nthPut(14), true, {
      checkpointEveryMs: 20,
      damage: (dir) => rmSync(dir, { recursive: true }),
    });
    const warnings = result.b.events
      .filter((e) => e.type === 'warning')
      .map((e) => e.type === 'warning' && e.message);
    expect(warnings.join('\n')).toMatch(/resuming: the local log has \d+ bytes, fewer than/);
    expect(result.b.store.count('HeadObject')).toBeGreaterThanOrEqual(Object.keys(tree).length - 2);
    await expectCompleteLoad(result);
  });
  it('with the load folder lost before any checkpoint: still nothing resent', async () => {
    putCount = 0;
    const result = await crashThenResume(nthPut(5), true, {
      checkpointEveryMs: 60_000,
      damage: (dir) => rmSync(dir, { recursive: true }),
    });
    const warnings = result.b.events
      .filter((e) => e.type === 'warning')
      .map((e) => e.type === 'warning' && e.message);
    expect(warnings).toContain('resuming: the local log is missing');
    await expectCompleteLoad(result);
  });
});

describe('an interrupted load', () => {
  it('stops at file N on the signal, keeps its log, and the next run finishes it', async () => {
    const b = await bench(join(space.dir, `run-${++runs}`), image);
    const interrupt = new AbortController();
    const first = await b.load({
      signal: interrupt.signal,
      concurrency: 2, // with more slots than files, every file would be in flight at the signal
      onProgress: (event) => {
        b.events.push(event);
        if (event.type === 'file' && b.events.filter((e) => e.type === 'file').length === 7)
          interrupt.abort();
      },
    });
    expect(first).toMatchObject({ outcome: 'interrupted', log: null, job: null });
    expect(first.rows).toBeGreaterThanOrEqual(7);
    expect(first.rows).toBeLessThan(Object.keys(tree).length);
    expect(b.control.finished).toBeNull();
    const storedAtCrash = await storedKeys(b);
    const store = await b.restartStore();
    const summary = await b.load();
    const resent = store.calls
      .filter((c) => c.op === 'PutObject' || c.op === 'CreateMultipartUpload')
      .map((c) => c.key);
    await expectCompleteLoad({ summary, storedAtCrash, resent, b });
  });
});
