import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openFatVolume } from '../../../../src/devices/fat/index.js';
import type { DeviceReader } from '../../../../src/devices/port.js';
import {
  copyIn,
  expectedTree,
  makeImage,
  makeTree,
  openImage,
  readEverything,
  readStream,
  sha256,
  tool,
  type Expected,
} from './fat-images.js';

// A tree with the names FAT makes hard (long, accented, CJK, lower-case 8.3), built once per
// width with mkfs.vfat + mcopy, then read back and checked against the source files.

const summer = new Date('2021-07-14T10:20:30Z');
const winter = new Date('2003-01-02T23:59:58Z');
const FILES = {
  'readme.txt': { content: 'read me\n', mtime: summer },
  big: { content: randomBytes(70_000), mtime: winter },
  'UPPER.TXT': { content: 'upper\n' },
  'Mixed Case.TXT': { content: 'mixed\n' },
  'ReadMe.md': { content: '# hi\n' },
  'café 日本語.txt': { content: 'accents and CJK\n', mtime: summer },
  'a long file name with spaces, and more.data': { content: randomBytes(5000) },
  empty: { content: '' },
  SIGNATURE: { content: 'signed\n' },
  'sub/a.b.c.d': { content: 'dots\n' },
  'sub/Deep/deeper/data.bin': { content: randomBytes(150_000), mtime: winter },
  'medium.bin': { content: randomBytes(3 * 1024 * 1024 + 123) },
};

let work: string;
let sourceDir: string;
let expected: Map<string, Expected>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fat-volume-'));
  sourceDir = join(work, 'src');
  makeTree(sourceDir, FILES, ['emptydir']);
  expected = expectedTree(sourceDir);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Depth-first order with names sorted by code unit, as the reader contract wants. */
function walkOrder(paths: string[]): string[] {
  const children = (prefix: string) =>
    paths.filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).sort();
  const out: string[] = [];
  const visit = (prefix: string) => {
    for (const path of children(prefix)) {
      out.push(path);
      visit(`${path}/`);
    }
  };
  visit('');
  return out;
}

describe.each(['FAT32', 'FAT16', 'FAT12'] as const)('%s volume built by mtools', (kind) => {
  let image: string;
  let reader: DeviceReader;

  beforeAll(async () => {
    image = join(work, `${kind}.img`);
    makeImage(image, kind, { label: 'MYDISK', kib: kind === 'FAT12' ? 4000 : undefined });
    copyIn(image, sourceDir);
    reader = await openFatVolume(await openImage(image), { timeZone: 'UTC' });
  });

  afterAll(() => reader?.close());

  test('reports its width from the cluster count and its label', () => {
    expect(reader.fileSystem).toBe(kind);
    expect(reader.label).toBe('MYDISK');
    expect(reader.warnings).toEqual([]);
  });

  test('walks every entry in order with the right names, sizes, bytes and mtimes', async () => {
    const imageHash = sha256(readFileSync(image));
    const got = await readEverything(reader);
    expect(got.map((g) => g.entry.path)).toEqual(walkOrder([...expected.keys()]));
    for (const { entry, sha256: hash, readError } of got) {
      const want = expected.get(entry.path) as Expected;
      expect(entry.error, entry.path).toBeUndefined();
      expect(readError, entry.path).toBeUndefined();
      expect({ path: entry.path, type: entry.type, size: entry.size, mtime: entry.mtime.getTime() }).toEqual({
        path: entry.path,
        type: want.type,
        size: want.size,
        mtime: want.mtimeMs,
      });
      if (want.type === 'file') expect(hash, entry.path).toBe(want.sha256);
      expect(entry.invalidName).toBeUndefined();
    }
    expect(sha256(readFileSync(image)), 'the image is unchanged').toBe(imageHash);
  });

  test('finds a root file exactly or ignoring case (long or 8.3 name), files only', async () => {
    expect((await reader.findRootFile('SIGNATURE', { caseInsensitive: false }))?.path).toBe('SIGNATURE');
    expect(await reader.findRootFile('signature', { caseInsensitive: false })).toBeNull();
    expect((await reader.findRootFile('signature', { caseInsensitive: true }))?.path).toBe('SIGNATURE');
    expect((await reader.findRootFile('MIXEDC~1.TXT', { caseInsensitive: true }))?.path).toBe(
      'Mixed Case.TXT',
    );
    expect((await reader.findRootFile('README.TXT', { caseInsensitive: true }))?.path).toBe('readme.txt');
    expect(await reader.findRootFile('emptydir', { caseInsensitive: true })).toBeNull();
    expect(await reader.findRootFile('data.bin', { caseInsensitive: true })).toBeNull();
    const found = await reader.findRootFile('signature', { caseInsensitive: true });
    expect((await readStream(reader.openFile(found!))).toString()).toBe('signed\n');
  });

  test('opens entries it did not yield by looking their path up', async () => {
    const entry = {
      path: 'sub/Deep/deeper/data.bin',
      type: 'file' as const,
      size: 150_000,
      mtime: new Date(),
    };
    const bytes = await readStream(reader.openFile(entry));
    expect(sha256(bytes)).toBe(expected.get(entry.path)?.sha256);
    const missing = { ...entry, path: 'sub/nope' };
    await expect(readStream(reader.openFile(missing))).rejects.toMatchObject({
      code: 'ENOENT',
      operation: 'open',
    });
    const dir = { ...entry, path: 'sub', type: 'directory' as const };
    await expect(readStream(reader.openFile(dir))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('time zones', () => {
  test('the same FAT wall times read in Europe/Paris are 1 h (winter) or 2 h (summer) earlier', async () => {
    const image = join(work, 'zone.img');
    makeImage(image, 'FAT32');
    copyIn(image, sourceDir);
    const paris = await openFatVolume(await openImage(image), { timeZone: 'Europe/Paris' });
    const mtimes = new Map<string, number>();
    for await (const entry of paris.walk()) mtimes.set(entry.path, entry.mtime.getTime());
    await paris.close();
    expect(mtimes.get('readme.txt')).toBe(summer.getTime() - 2 * 3600_000);
    expect(mtimes.get('big')).toBe(winter.getTime() - 3600_000);
    expect(mtimes.get('café 日本語.txt')).toBe(summer.getTime() - 2 * 3600_000);
  });

  test('an unknown zone is a RangeError', async () => {
    const image = join(work, 'zone.img');
    await expect(openFatVolume(await openImage(image), { timeZone: 'Mars/Olympus' })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('names as mtools stores them', () => {
  test('lower-case 8.3 names carry NT case flags and no long name (so the flags are what we read)', () => {
    const image = join(work, 'FAT32.img');
    const listing = tool('mdir', ['-i', image, '::/']);
    expect(listing).toMatch(/^big\s+\d/m); // an 8.3 entry, shown lower-case, with no long name after it
    expect(listing).toMatch(/^readme\s+txt\s+\d/m);
  });

  test('the volume label is not an entry, and close() is idempotent', async () => {
    const reader = await openFatVolume(await openImage(join(work, 'FAT16.img')), { timeZone: 'UTC' });
    const paths: string[] = [];
    for await (const entry of reader.walk()) paths.push(entry.path);
    expect(paths).not.toContain('MYDISK');
    expect(paths).toContain('emptydir');
    await reader.close();
    await reader.close();
  });
});
