import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../src/storage/index.js';
import { runCli } from '../helpers/processes.js';

// `longshore objects ls|get` as real processes, reading an embedded store the test fills first.
let dataDir: string;
let env: NodeJS.ProcessEnv;
const MANY = 1005; // more than one listObjects page (1000)

const bodyOf = (key: string) => Buffer.from(`contents of ${key}\n`);
const manyKey = (i: number) => `many/${String(i).padStart(4, '0')}.txt`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'longshore-objects-cli-'));
  env = { LONGSHORE_DATA_DIR: dataDir };
  const store = await openEmbeddedStore(join(dataDir, 'objects'));
  await store.createBucket('photos');
  const keys = ['a/1.txt', 'a/2 with space.txt', 'a/b/3.txt', 'b/4.txt'];
  for (let i = 0; i < MANY; i++) keys.push(manyKey(i));
  const put = (key: string) => {
    const body = bodyOf(key);
    const contentMd5 = createHash('md5').update(body).digest('base64');
    return store.putObject({ bucket: 'photos', key, body, contentMd5 });
  };
  for (let i = 0; i < keys.length; i += 16) await Promise.all(keys.slice(i, i + 16).map(put));
  await store.close();
}, 120_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('longshore objects ls', () => {
  it('lists the keys under a prefix with last-modified and size, in key order', async () => {
    const result = await runCli(['objects', 'ls', 's3://photos/a/'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/).slice(2).join(' '))).toEqual([
      'a/1.txt',
      'a/2 with space.txt',
      'a/b/3.txt',
    ]);
    const [modified, size] = lines[0]!.trim().split(/\s+/);
    expect(Date.parse(modified!)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(Number(size)).toBe(bodyOf('a/1.txt').length);
  });

  it('pages through more than 1000 objects; --json gives {objects: [...]}', async () => {
    const result = await runCli(['objects', 'ls', 's3://photos/many/', '--json'], env);
    expect(result.code).toBe(0);
    const { objects } = JSON.parse(result.stdout) as { objects: { key: string; size: number }[] };
    expect(objects).toHaveLength(MANY);
    expect(objects.map((o) => o.key)).toEqual(Array.from({ length: MANY }, (_, i) => manyKey(i)));
    expect(objects[MANY - 1]).toMatchObject({ size: bodyOf(manyKey(MANY - 1)).length });
  });

  it('lists a whole bucket; an unknown bucket is NoSuchBucket (exit 1)', async () => {
    const all = await runCli(['objects', 'ls', 's3://photos'], env);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(4 + MANY);
    const missing = await runCli(['objects', 'ls', 's3://no-such-bucket/x'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^NoSuchBucket: /);
  });
});

describe('longshore objects get', () => {
  it('writes the object to a file, into a folder, or to stdout with -', async () => {
    const out = join(dataDir, 'out.txt');
    const result = await runCli(['objects', 'get', 's3://photos/a/b/3.txt', out], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(out)).toEqual(bodyOf('a/b/3.txt'));
    expect(result.stdout).toContain(`-> ${out} (${bodyOf('a/b/3.txt').length} bytes)`);

    const folder = join(dataDir, 'folder');
    await mkdir(folder);
    expect((await runCli(['objects', 'get', 's3://photos/a/2 with space.txt', folder], env)).code).toBe(0);
    expect(await readFile(join(folder, '2 with space.txt'))).toEqual(bodyOf('a/2 with space.txt'));

    const piped = await runCli(['objects', 'get', 's3://photos/b/4.txt', '-'], env);
    expect(piped).toMatchObject({ code: 0, stdout: bodyOf('b/4.txt').toString(), stderr: '' });
  });

  it('fails with NoSuchKey (exit 1, code on stderr) and leaves no file behind', async () => {
    const out = join(dataDir, 'missing.txt');
    const result = await runCli(['objects', 'get', 's3://photos/a/nope.txt', out], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^NoSuchKey: No object exists under this key\./);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dataDir)).filter((name) => name.includes('.part'))).toEqual([]);
  });

  it('refuses an address without a key as a usage error (exit 2)', async () => {
    const result = await runCli(['objects', 'get', 's3://photos', join(dataDir, 'x')], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^InvalidParameterException: .*S3_ADDRESS/);
  });
});
