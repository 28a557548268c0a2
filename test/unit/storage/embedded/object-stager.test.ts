import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ObjectStager, type StageRequest } from '../../../../src/storage/embedded/object-stager.js';
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

function request(name: string, body: Uint8Array | Uint8Array[], md5Hex?: string): StageRequest {
  const dir = join(root, 'ab');
  const whole = Buffer.concat(Array.isArray(body) ? body : [body]);
  return {
    dir,
    sidecarPath: join(dir, `${name}.json`),
    dataTemp: join(dir, `.tmp-${name}-data`),
    sidecarTemp: join(dir, `.tmp-${name}-sidecar`),
    body,
    sidecar: JSON.stringify({ name }),
    md5Hex: md5Hex ?? md5(whole),
  };
}

describe('ObjectStager', () => {
  it('stages the body and the sidecar under the temporary names, creating the folder', async () => {
    const body = Buffer.from('hello, disk');
    const r = request('one', body);
    await expect(stager.stage(r)).resolves.toBe('staged');
    expect(readFileSync(r.dataTemp)).toEqual(body);
    expect(readFileSync(r.sidecarTemp, 'utf8')).toBe('{"name":"one"}');
    expect(existsSync(r.sidecarPath)).toBe(false);
  });

  it('writes only the bytes of views into larger buffers, chunks in order', async () => {
    const big = Buffer.alloc(1 << 20, 7);
    big.write('first', 100);
    big.write('second', 5000);
    const chunks = [big.subarray(100, 105), big.subarray(5000, 5006), Buffer.from('!')];
    const r = request('views', chunks);
    await expect(stager.stage(r)).resolves.toBe('staged');
    expect(readFileSync(r.dataTemp, 'utf8')).toBe('firstsecond!');
  });

  it("answers 'exists' and writes nothing when the sidecar is there", async () => {
    const r = request('taken', Buffer.from('bytes'));
    await stager.stage(request('other', Buffer.from('x')));
    writeFileSync(r.sidecarPath, '{}');
    await expect(stager.stage(r)).resolves.toBe('exists');
    expect(existsSync(r.dataTemp) || existsSync(r.sidecarTemp)).toBe(false);
  });

  it("answers 'bad-digest' and writes nothing when the body does not hash to md5Hex", async () => {
    const r = request('bad', Buffer.from('bytes'), md5(Buffer.from('other bytes')));
    await expect(stager.stage(r)).resolves.toBe('bad-digest');
    expect(readdirSync(join(root, 'ab'))).toEqual([]);
  });

  it("rejects with Node's code and leaves no temporary file when a write fails", async () => {
    const r = request('clash', Buffer.from('bytes'));
    await stager.stage(request('first', Buffer.from('x')));
    writeFileSync(r.sidecarTemp, 'in the way');
    await expect(stager.stage(r)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(existsSync(r.dataTemp)).toBe(false);
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    const under = { ...request('under', Buffer.from('y')), dir: join(file, 'ab') };
    await expect(stager.stage(under)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('renames in order, fails on the first missing source, and discards quietly', async () => {
    const r = request('placed', Buffer.from('bytes'));
    await stager.stage(r);
    const data = join(r.dir, 'placed.data');
    await stager.place([
      [r.dataTemp, data],
      [r.sidecarTemp, r.sidecarPath],
    ]);
    expect(readFileSync(data, 'utf8')).toBe('bytes');
    expect(readFileSync(r.sidecarPath, 'utf8')).toBe('{"name":"placed"}');
    await expect(stager.place([[r.dataTemp, data]])).rejects.toMatchObject({ code: 'ENOENT' });

    const gone = request('gone', Buffer.from('z'));
    await stager.stage(gone);
    await stager.discard([gone.dataTemp, gone.sidecarTemp, join(r.dir, 'never-there')]);
    expect(existsSync(gone.dataTemp) || existsSync(gone.sidecarTemp)).toBe(false);
  });

  it('answers many requests made at once, each its own', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => request(`n${i}`, Buffer.from(`body ${i}`)));
    const outcomes = await Promise.all(requests.map((r) => stager.stage(r)));
    expect(new Set(outcomes)).toEqual(new Set(['staged']));
    for (const [i, r] of requests.entries()) expect(readFileSync(r.dataTemp, 'utf8')).toBe(`body ${i}`);
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
    const outcomes = await Promise.all(stage.mock.results.map((result) => result.value as Promise<string>));
    expect(outcomes).toEqual(['staged', 'exists']);
    expect((await readAll(await embedded.getObject('staged', 'k'))).toString()).toBe('second');
    const files = filesOf(store.root(), 'staged', 'k');
    expect(await namesIn(files.dir)).toEqual(
      [files.sidecar, files.data(Buffer.from('second'))]
        .map((path) => path.slice(files.dir.length + 1))
        .sort(),
    );
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
    expect(await namesIn(filesOf(store.root(), 'digest', 'new').dir)).not.toContainEqual(
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
      const outcome = await stager.stage({ dir, sidecarPath: dir + '/s.json', dataTemp: dir + '/d',
        sidecarTemp: dir + '/s', body: Buffer.from('x'), sidecar: '{}',
        md5Hex: '9dd4e461268c8034f5c8564e155c67a6' });
      console.log(outcome);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect([run.status, run.signal, run.stdout.trim(), run.stderr]).toEqual([0, null, 'staged', '']);
  });
});
