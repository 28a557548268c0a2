/**
 * The data sets of issue 7, written from a seed into a work directory, each as a tree (the
 * directory device and what the peers upload) and an ext2 image of the same tree:
 * A: a few large files; B: many files of 4-64 KiB; C: a mixed tree (long tail of sizes, deep
 * directories, a few large files). The tree's root also holds the job's SIGNATURE, rewritten for
 * every run (writeSignature); the peers leave it out.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { contentStream, seededFloats } from '../devices/random.js';
import { runCommand } from '../devices/shell.js';
import type { SetName, SetSizes } from './options.js';

/** A built set: where its tree and image are, and what is in them (the SIGNATURE left out). */
export interface DataSet {
  readonly name: SetName;
  readonly tree: string;
  readonly image: string;
  readonly files: number;
  readonly bytes: number;
  readonly largestFile: number;
}

interface PlannedFile {
  readonly path: string;
  readonly size: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const WRITE_CHUNK = 8 * MIB;
/** The name of the signature file at the device's root (DECISIONS §9). */
export const SIGNATURE_NAME = 'SIGNATURE';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function planLarge(sizes: SetSizes): PlannedFile[] {
  return Array.from({ length: sizes.largeFiles }, (_, i) => ({
    path: `large-${pad(i, 2)}.bin`,
    size: sizes.largeFileMiB * MIB,
  }));
}

function planSmall(sizes: SetSizes, seed: number): PlannedFile[] {
  const random = seededFloats(seed);
  return Array.from({ length: sizes.smallFiles }, (_, i) => ({
    path: `d${pad(Math.floor(i / 20_000), 2)}/d${pad(Math.floor(i / 200) % 100, 3)}/f${pad(i, 6)}.dat`,
    size: Math.floor(4 * KIB + random() * 60 * KIB),
  }));
}

/** Sizes with a long tail (log-uniform up to 4 MiB), one file in 200 of 64 MiB, at depths 1-9. */
function planMixed(sizes: SetSizes, seed: number): PlannedFile[] {
  const random = seededFloats(seed + 1);
  return Array.from({ length: sizes.mixedFiles }, (_, i) => {
    const depth = 1 + Math.floor(random() * 9);
    const dirs = Array.from({ length: depth }, (_, level) => `l${level}-${Math.floor(random() * 3)}`);
    const large = i % 200 === 199;
    const size = large ? 64 * MIB : Math.floor(Math.exp(random() * Math.log(4 * MIB)));
    return { path: [...dirs, `m${pad(i, 6)}.bin`].join('/'), size };
  });
}

function plan(name: SetName, sizes: SetSizes, seed: number): PlannedFile[] {
  if (name === 'A') return planLarge(sizes);
  if (name === 'B') return planSmall(sizes, seed);
  return planMixed(sizes, seed);
}

async function writeTree(tree: string, files: readonly PlannedFile[], seed: number): Promise<void> {
  await rm(tree, { recursive: true, force: true });
  for (const file of files) {
    const path = join(tree, file.path);
    await mkdir(dirname(path), { recursive: true });
    const content = contentStream(seed, file.path);
    const handle = await open(path, 'w');
    try {
      for (let left = file.size; left > 0; left -= WRITE_CHUNK) {
        await handle.write(content.next(Math.min(WRITE_CHUNK, left)));
      }
    } finally {
      await handle.close();
    }
  }
}

/** An ext2 image of the tree, 4 KiB blocks, with room for the SIGNATURE and the metadata. */
async function makeImage(tree: string, image: string, files: number, bytes: number): Promise<void> {
  await rm(image, { force: true });
  const blocks = Math.ceil((bytes * 1.08 + files * 8 * KIB + 64 * MIB) / (4 * KIB));
  const inodes = String(files * 2 + 1024);
  await runCommand('mke2fs', [
    '-q',
    '-F',
    '-t',
    'ext2',
    '-b',
    '4096',
    '-N',
    inodes,
    '-d',
    tree,
    image,
    String(blocks),
  ]);
}

/**
 * Writes set `name` under `work/<name>` (tree and ext2 image) unless the same parameters were
 * already written there. Errors: file-system errors, mke2fs failing (Error with its stderr).
 */
export async function buildDataSet(
  work: string,
  name: SetName,
  sizes: SetSizes,
  seed: number,
): Promise<DataSet> {
  const files = plan(name, sizes, seed);
  const base = join(work, name);
  const set: DataSet = {
    name,
    tree: join(base, 'tree'),
    image: join(base, 'image.ext2'),
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    largestFile: files.reduce((most, file) => Math.max(most, file.size), 0),
  };
  const stamp = join(base, 'params.json');
  const params = { name, sizes, seed, files: set.files, bytes: set.bytes };
  if (existsSync(stamp) && existsSync(set.image)) {
    const kept: unknown = JSON.parse(await readFile(stamp, 'utf8'));
    if (isDeepStrictEqual(kept, params)) return set;
  }
  await rm(stamp, { force: true });
  await writeTree(set.tree, files, seed);
  await makeImage(set.tree, set.image, set.files, set.bytes);
  await writeFile(stamp, JSON.stringify(params));
  return set;
}

/**
 * Puts the job's SIGNATURE at the root of the set's tree and of its ext2 image (debugfs, replacing
 * the previous one). Errors: the write's, or debugfs failing.
 */
export async function writeSignature(set: DataSet, signatureFile: string): Promise<void> {
  await writeFile(join(set.tree, SIGNATURE_NAME), await readFile(signatureFile));
  const commands = join(dirname(set.image), 'debugfs.cmd');
  await writeFile(commands, `rm ${SIGNATURE_NAME}\nwrite ${signatureFile} ${SIGNATURE_NAME}\n`);
  await runCommand('debugfs', ['-w', '-f', commands, set.image]);
}
