import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ObjectStager,
  type StageRequest,
  type StageResult,
} from '../../../../src/storage/embedded/object-stager.js';
import { openEmbeddedStore } from '../../../../src/storage/index.js';
import { contentMd5, expectStorageError, readAll } from '../../../helpers/storage.js';
import { filesOf, namesIn, putBytes, useStoreRoot } from './store-fixture.js';

// The stager's worker thread runs for real on a temporary folder.
let root = '';
let stager: ObjectStager;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'longshore-stager-'));
  stager = new ObjectStager();
});
afterEach(async () => {
  stager.close();
  await rm(root, { recursive: true, force: true });
});

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const joined = (body: Uint8Array | Uint8Array[]) => Buffer.concat(Array.isArray(body) ? body : [body]);

/** A request for `name` in the folder `ab`: the data file `<name>.<md5>.data`, a sidecar naming both. */
function request(name: string, body: Uint8Array | Uint8Array[], md5Hex?: string): StageRequest {
  const dir = join(root, 'ab');
  return {
    dir,
    sidecarPath: join(dir, `${name}.json`),
    dataPath: [join(dir, `${name}.`), '.data'],
    sidecarTemp: join(dir, `.tmp-${name}-sidecar`),
    sidecar: [`{"name":"${name}","md5":"`, '"}'],
    body,
    md5Hex: md5Hex ?? md5(joined(body)),
  };
}

/** Where `request(name, body)`'s bytes go. */
const dataOf = (name: string, body: Uint8Array | Uint8Array[]) =>
  join(root, 'ab', `${name}.${md5(joined(body))}.data`);

describe('ObjectStager', () => {
  it('stages the body under its name with its MD5 and the sidecar, MD5 filled in, under the temporary name', async () => {
    const body = Buffer.from('hello, disk');
    const r = request('one', body);
    const data = dataOf('one', body);
    await expect(stager.stage(r)).resolves.toEqual({ outcome: 'staged', md5Hex: md5(body), dataPath: data });
    expect(readFileSync(data)).toEqual(body);
    expect(readFileSync(r.sidecarTemp, 'utf8')).toBe(`{"name":"one","md5":"${md5(body)}"}`);
    expect(existsSync(r.sidecarPath)).toBe(false);
  });

  it('computes the MD5 when the caller claims none', async () => {
    const body = Buffer.from('unhashed');
    const { md5Hex: _, ...unclaimed } = request('free', body);
    await expect(stager.stage(unclaimed)).resolves.toMatchObject({ outcome: 'staged', md5Hex: md5(body) });
    expect(readFileSync(dataOf('free', body), 'utf8')).toBe('unhashed');
  });

  it('writes only the bytes of views into larger buffers, chunks in order', async () => {
    const big = Buffer.alloc(1 << 20, 7);
    big.write('first', 100);
    big.write('second', 5000);
    const chunks = [big.subarray(100, 105), big.subarray(5000, 5006), Buffer.from('!')];
    await expect(stager.stage(request('views', chunks))).resolves.toMatchObject({ outcome: 'staged' });
    expect(readFileSync(dataOf('views', chunks), 'utf8')).toBe('firstsecond!');
  });

  it("answers 'exists' and writes nothing when the sidecar is there", async () => {
    const body = Buffer.from('bytes');
    const r = request('taken', body);
    await stager.stage(request('other', Buffer.from('x')));
    writeFileSync(r.sidecarPath, '{}');
    await expect(stager.stage(r)).resolves.toEqual({ outcome: 'exists' });
    expect(existsSync(dataOf('taken', body)) || existsSync(r.sidecarTemp)).toBe(false);
  });

  it("answers 'exists' and leaves the file as it was when the data file's name is taken", async () => {
    const body = Buffer.from('bytes');
    const r = request('leftover', body);
    await stager.stage(request('other', Buffer.from('x')));
    writeFileSync(dataOf('leftover', body), 'uncommitted');
    await expect(stager.stage(r)).resolves.toEqual({ outcome: 'exists' });
    expect(readFileSync(dataOf('leftover', body), 'utf8')).toBe('uncommitted');
    expect(existsSync(r.sidecarTemp)).toBe(false);
  });

  it("answers 'bad-digest' and writes nothing when the body does not hash to md5Hex", async () => {
    const r = request('bad', Buffer.from('bytes'), md5(Buffer.from('other bytes')));
    await expect(stager.stage(r)).resolves.toEqual({ outcome: 'bad-digest' });
    expect(existsSync(join(root, 'ab')) ? readdirSync(join(root, 'ab')) : []).toEqual([]);
  });

  it("rejects with Node's code and leaves no file behind when a write fails", async () => {
    const body = Buffer.from('bytes');
    const r = request('clash', body);
    await stager.stage(request('first', Buffer.from('x')));
    writeFileSync(r.sidecarTemp, 'in the way');
    await expect(stager.stage(r)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(existsSync(dataOf('clash', body))).toBe(false);
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    const under = { ...request('under', Buffer.from('y')), dir: join(file, 'ab') };
    await expect(
      stager.stage({ ...under, dataPath: [join(file, 'ab', 'under.'), '.data'] }),
    ).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('makes the folder again when it went away after the worker made it', async () => {
    await stager.stage(request('before', Buffer.from('a')));
    await rm(join(root, 'ab'), { recursive: true });
    const body = Buffer.from('b');
    await expect(stager.stage(request('after', body))).resolves.toMatchObject({ outcome: 'staged' });
    expect(readFileSync(dataOf('after', body), 'utf8')).toBe('b');
  });

  it('renames in order, fails on the first missing source, and discards quietly', async () => {
    const r = request('placed', Buffer.from('bytes'));
    await stager.stage(r);
    await stager.place([[r.sidecarTemp, r.sidecarPath]]);
    expect(readFileSync(r.sidecarPath, 'utf8')).toBe(
      `{"name":"placed","md5":"${md5(Buffer.from('bytes'))}"}`,
    );
    await expect(stager.place([[r.sidecarTemp, r.sidecarPath]])).rejects.toMatchObject({ code: 'ENOENT' });

    const body = Buffer.from('z');
    const gone = request('gone', body);
    await stager.stage(gone);
    await stager.discard([dataOf('gone', body), gone.sidecarTemp, join(r.dir, 'never-there')]);
    expect(existsSync(dataOf('gone', body)) || existsSync(gone.sidecarTemp)).toBe(false);
  });

  it('answers many requests made at once, each its own', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => request(`n${i}`, Buffer.from(`body ${i}`)));
    const results = await Promise.all(requests.map((r) => stager.stage(r)));
    expect(new Set(results.map((result) => result.outcome))).toEqual(new Set(['staged']));
    for (const i of requests.keys())
      expect(readFileSync(dataOf(`n${i}`, Buffer.from(`body ${i}`)), 'utf8')).toBe(`body ${i}`);
  });

  it('fails what waits with EIO when its worker dies, and starts a new one for the next request', async () => {
    // Fault injection: a worker that counts its starts in a file and dies on its first message.
    const starts = join(root, 'starts');
    const dying = new ObjectStager(`
      const fs = process.getBuiltinModule('node:fs');
      fs.appendFileSync(${JSON.stringify(starts)}, 'x');
      process.getBuiltinModule('node:worker_threads').parentPort.on('message', () => process.exit(3));
    `);
    try {
      const first = [
        dying.stage(request('a', Buffer.from('a'))),
        dying.stage(request('b', Buffer.from('b'))),
      ];
      for (const outcome of first)
        await expect(outcome).rejects.toMatchObject({ code: 'EIO', message: /worker failed/ });
      await expect(dying.place([[join(root, 'x'), join(root, 'y')]])).rejects.toMatchObject({ code: 'EIO' });
      expect(readFileSync(starts, 'utf8')).toBe('xx');
    } finally {
      dying.close();
    }
  });

  it('fails what waits when closed, with EIO', async () => {
    const waiting = stager.stage(request('late', Buffer.alloc(1 << 20)));
    stager.close();
    await expect(waiting).rejects.toMatchObject({ code: 'EIO', message: /closed/ });
  });
});

describe("the embedded store's puts", () => {
  const store = useStoreRoot();
  afterEach(() => void vi.restoreAllMocks());

  it('stage new keys in the worker; over an object they commit on their own thread', async () => {
    const stage = vi.spyOn(ObjectStager.prototype, 'stage');
    const embedded = await store.open();
    await embedded.createBucket('staged');
    await putBytes(embedded, 'staged', 'k', Buffer.from('first'));
    await putBytes(embedded, 'staged', 'k', Buffer.from('second'));
    const results = await Promise.all(
      stage.mock.results.map((result) => result.value as Promise<StageResult>),
    );
    expect(results.map((result) => result.outcome)).toEqual(['staged', 'exists']);
    expect((await readAll(await embedded.getObject('staged', 'k'))).toString()).toBe('second');
    const files = filesOf(store.root(), 'staged', 'k');
    expect(await namesIn(files.dir)).toEqual(
      [files.sidecar, files.data(Buffer.from('second'))]
        .map((path) => path.slice(files.dir.length + 1))
        .sort(),
    );
  });

  it('without Content-MD5, answer the MD5 of what they stored as the ETag, new key or not', async () => {
    const embedded = await store.open();
    expect(embedded.hashesBodies).toBe(true);
    await embedded.createBucket('unclaimed');
    const first = Buffer.from('first bytes');
    const second = Buffer.from('second bytes');
    const put = (body: Buffer) => embedded.putObject({ bucket: 'unclaimed', key: 'k', body });
    await expect(put(first)).resolves.toEqual({ etag: `"${md5(first)}"` });
    expect(await embedded.headObject('unclaimed', 'k')).toMatchObject({ etag: `"${md5(first)}"`, size: 11 });
    await expect(put(second)).resolves.toEqual({ etag: `"${md5(second)}"` });
    expect((await readAll(await embedded.getObject('unclaimed', 'k'))).toString()).toBe('second bytes');

    const each = await openEmbeddedStore(join(store.root(), 'each'), { durability: 'each' });
    try {
      expect(each.hashesBodies).toBeUndefined();
      await each.createBucket('unclaimed');
      await expect(each.putObject({ bucket: 'unclaimed', key: 'k', body: first })).resolves.toEqual({
        etag: `"${md5(first)}"`,
      });
    } finally {
      await each.close();
    }
  });

  it('refuse a body that is not what its Content-MD5 says, new key or not, and keep the old object', async () => {
    const embedded = await store.open();
    await embedded.createBucket('digest');
    const wrong = contentMd5(Buffer.from('other'));
    await expectStorageError(
      embedded.putObject({ bucket: 'digest', key: 'new', body: Buffer.from('bytes'), contentMd5: wrong }),
      'BadDigest',
    );
    await expectStorageError(embedded.getObject('digest', 'new'), 'NoSuchKey');
    await putBytes(embedded, 'digest', 'old', Buffer.from('kept'));
    await expectStorageError(
      embedded.putObject({ bucket: 'digest', key: 'old', body: Buffer.from('bytes'), contentMd5: wrong }),
      'BadDigest',
    );
    expect((await readAll(await embedded.getObject('digest', 'old'))).toString()).toBe('kept');
    const newDir = filesOf(store.root(), 'digest', 'new').dir;
    expect(existsSync(newDir) ? await namesIn(newDir) : []).not.toContainEqual(
      expect.stringMatching(/^\.tmp-/),
    );
  });
});

describe('a process using the stager', () => {
  it('ends on its own once nothing waits, without close()', async () => {
    const module = resolve('dist/storage/embedded/object-stager.js');
    const script = `
      import { ObjectStager } from ${JSON.stringify(module)};
      const stager = new ObjectStager();
      const dir = ${JSON.stringify(join(root, 'exits'))};
      const result = await stager.stage({ dir, sidecarPath: dir + '/s.json', dataPath: [dir + '/d.', ''],
        sidecarTemp: dir + '/s', body: Buffer.from('x'), sidecar: ['{"', '"}'],
        md5Hex: '9dd4e461268c8034f5c8564e155c67a6' });
      console.log(result.outcome);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect([run.status, run.signal, run.stdout.trim(), run.stderr]).toEqual([0, null, 'staged', '']);
  });
});
