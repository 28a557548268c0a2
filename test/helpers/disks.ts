import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  chmod,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FileSystemKind } from '../../src/devices/port.js';

const run = promisify(execFile);

/** test/fixtures/disks: the build and put-signature scripts and their generators. */
export const DISK_FIXTURE_SOURCE = fileURLToPath(new URL('../fixtures/disks/', import.meta.url));

/** Where built fixtures are cached unless LONGSHORE_DISK_FIXTURES says otherwise. */
export const DEFAULT_DISK_FIXTURE_ROOT = '/var/tmp/longshore-disks';

/** Another helper's file (a FUSE program), and its compiled form: not part of the build. */
const NOT_HASHED = new Set(['badblk.c', 'badblk']);
const BUILD_TIMEOUT_MS = 15 * 60_000;
const STALE_BUILD_MS = 60 * 60_000;
const HASH_DIR = /^[0-9a-f]{12}$/;

/** One partition of a partitioned fixture image (index 1-based, as Linux numbers them). */
export interface FixturePartition {
  index: number;
  offset: number;
  size: number;
  fileSystem: FileSystemKind;
}

/** What the station must conclude from an image (DECISIONS §9): Pending = loaded. */
export type FixtureOutcome = 'Pending' | 'UnsupportedFileFormat' | 'DeviceError' | 'MissingSignature';

/** One image of index.json. volumeOffset/volumeSize: the volume holding SIGNATURE (or the first). */
export interface DiskFixture {
  file: string;
  fileSystem: FileSystemKind;
  partitionScheme: 'none' | 'mbr' | 'gpt';
  volumeOffset: number;
  /** Size the volume declares (larger than imageSize for `truncated`). */
  volumeSize: number;
  /** 1-based partition number of that volume; null when the image is not partitioned. */
  partitionIndex: number | null;
  expect: FixtureOutcome;
  /** A load succeeds with a warning (ext3 that needs journal recovery). */
  warning: boolean;
  /** Holds large/sparse-6GiB.bin (ext2, ext3, NTFS) or large/fat32-max.bin (FAT32). */
  hasLargeFile: boolean;
  /** Apparent size of the .img file in bytes. */
  imageSize: number;
  partitions: FixturePartition[];
}

/** index.json of a built fixture directory, plus that directory's path. */
export interface DiskFixtureIndex {
  dir: string;
  images: Record<string, DiskFixture>;
  /** Images this machine could not build (e.g. NTFS without /dev/fuse), with skipReasons. */
  skipped: string[];
  skipReasons: Record<string, string>;
}

/** One line of NAME.expected.tsv: an entry below the root of the SIGNATURE volume. */
export interface ExpectedEntry {
  type: 'file' | 'directory' | 'symlink' | 'fifo';
  /** Bytes for files, 0 otherwise. */
  size: number;
  /** Modification time, seconds since the epoch (UTC). */
  mtime: number;
  /** Hex sha256 of a file's bytes; null for everything else. */
  sha256: string | null;
  /** `/`-separated, no leading slash, NFC as generated. */
  path: string;
}

/** sha256 over the names and bytes of the fixture sources, so any change means a new build. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const names = readdirSync(DISK_FIXTURE_SOURCE, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !NOT_HASHED.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(join(DISK_FIXTURE_SOURCE, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * The directory the fixtures of the current sources are (or will be) built in:
 * `${LONGSHORE_DISK_FIXTURES ?? '/var/tmp/longshore-disks'}/<12 hex of the sources' sha256>`.
 * Throws only if the source directory cannot be read.
 */
export function diskFixtureDir(): string {
  const root = process.env.LONGSHORE_DISK_FIXTURES ?? DEFAULT_DISK_FIXTURE_ROOT;
  return join(root, sourceHash());
}

function isComplete(dir: string): boolean {
  return existsSync(join(dir, '.complete'));
}

/** Takes the build lock (a file holding our pid); false when a live process holds it. */
async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (await isStaleLock(lockPath)) await unlink(lockPath).catch(() => undefined);
    return false;
  }
}

/** A lock whose process is gone, or that never got a pid within 10 s. */
async function isStaleLock(lockPath: string): Promise<boolean> {
  const owner = Number(await readFile(lockPath, 'utf8').catch(() => '0'));
  if (owner > 0) return !isAlive(owner);
  const info = await stat(lockPath).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > 10_000;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds into a temporary sibling, then renames it into place (atomic for readers). */
async function buildInto(dir: string): Promise<void> {
  const temp = await mkdtemp(join(dirname(dir), `.building-${basename(dir)}-`));
  try {
    await run('bash', [join(DISK_FIXTURE_SOURCE, 'build'), temp], {
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    await chmod(temp, 0o755);
    await rename(temp, dir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    if (!isComplete(dir)) throw err;
  }
}

/** Removes builds of other source versions and temporary dirs abandoned by crashed builds. */
async function removeStale(dir: string): Promise<void> {
  const root = dirname(dir);
  for (const name of await readdir(root)) {
    const path = join(root, name);
    if (HASH_DIR.test(name) && name !== basename(dir)) {
      await rm(path, { recursive: true, force: true });
    } else if (name.startsWith('.building-')) {
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > STALE_BUILD_MS)
        await rm(path, { recursive: true, force: true });
    }
  }
}

/**
 * Builds the disk fixtures once per source version (about 30 s; give the calling hook a timeout
 * of several minutes) and returns their index. Safe for concurrent callers: one builds under a
 * lock file while the others wait; a crashed build leaves nothing in place. Rejects when the
 * build script fails (its stderr is in the error) or takes longer than 15 minutes.
 */
export async function ensureDiskFixtures(): Promise<DiskFixtureIndex> {
  const dir = diskFixtureDir();
  await mkdir(dirname(dir), { recursive: true });
  const lockPath = `${dir}.lock`;
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!isComplete(dir)) {
    if (await tryLock(lockPath)) {
      try {
        if (!isComplete(dir)) {
          await rm(dir, { recursive: true, force: true });
          await buildInto(dir);
        }
        await removeStale(dir);
      } finally {
        await unlink(lockPath).catch(() => undefined);
      }
    } else if (Date.now() > deadline) {
      throw new Error(`timed out waiting for another process to build ${dir}`);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return readIndex(dir);
}

async function readIndex(dir: string): Promise<DiskFixtureIndex> {
  const parsed = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Omit<DiskFixtureIndex, 'dir'>;
  return { dir, ...parsed };
}

/** The index entry of one image; throws if the fixtures are not built or the name is unknown. */
async function fixture(name: string): Promise<{ dir: string; image: DiskFixture }> {
  const dir = diskFixtureDir();
  if (!isComplete(dir)) throw new Error(`disk fixtures not built in ${dir}: call ensureDiskFixtures() first`);
  const image = (await readIndex(dir)).images[name];
  if (!image) throw new Error(`no disk fixture named ${name} in ${dir}`);
  return { dir, image };
}

const ENTRY_TYPES = new Set<string>(['file', 'directory', 'symlink', 'fifo']);

/** Parses the text of an expected.tsv; throws on a malformed line. */
export function parseExpected(text: string): ExpectedEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      const [type, size, mtime, sha256, path, ...rest] = line.split('\t');
      if (!type || !ENTRY_TYPES.has(type) || !path || rest.length > 0 || !/^\d+$/.test(`${size}${mtime}`)) {
        throw new Error(`expected.tsv line ${i + 1} is malformed: ${line}`);
      }
      const hash = sha256 === '-' ? null : (sha256 ?? null);
      return {
        type: type as ExpectedEntry['type'],
        size: Number(size),
        mtime: Number(mtime),
        sha256: hash,
        path,
      };
    });
}

/** The expected listing of image NAME (sorted by path). Throws if not built or unknown. */
export async function readExpected(name: string): Promise<ExpectedEntry[]> {
  const { dir } = await fixture(name);
  return parseExpected(await readFile(join(dir, `${name}.expected.tsv`), 'utf8'));
}

/** The cached image's path: read it, never write it (use copyImage for that). */
export async function imagePath(name: string): Promise<string> {
  const { dir, image } = await fixture(name);
  return join(dir, image.file);
}

/** Copies image NAME into destDir, keeping holes (cp --sparse=always); resolves to the copy's path. */
export async function copyImage(name: string, destDir: string): Promise<string> {
  const source = await imagePath(name);
  const dest = join(destDir, basename(source));
  await run('cp', ['--sparse=always', source, dest]);
  return dest;
}

/**
 * Replaces (or adds) the SIGNATURE in the root of fixture NAME's SIGNATURE volume inside
 * `imageCopy` (a copy made by copyImage) with `text`. Rejects if the file system cannot take it
 * (e.g. exFAT) or the written bytes do not read back.
 */
export async function putSignature(imageCopy: string, name: string, text: string): Promise<void> {
  const { image } = await fixture(name);
  const temp = await mkdtemp(join(tmpdir(), 'longshore-signature-'));
  try {
    const file = join(temp, 'SIGNATURE');
    await writeFile(file, text);
    const script = join(DISK_FIXTURE_SOURCE, 'put-signature');
    await run('bash', [script, imageCopy, image.fileSystem, String(image.volumeOffset), file]);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
