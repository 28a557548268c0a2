/**
 * The data sets of issue 7, written from a seed into a work directory, each as a tree (the
 * directory device and what the peers upload) and an ext2 image of the same tree:
 * A: a few large files; B: many files of 4-64 KiB; C: a mixed tree (long tail of sizes, deep
 * directories, a few large files); D: a million files of 0-256 bytes in 1,000 folders (memory).
 * The tree's root also holds the job's SIGNATURE, rewritten for every run (writeSignature); the
 * peers leave it out. A set is kept in the work directory with its parameters (params.json,
 * written last) and reused while they are the same.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { contentStream, logUniformSize, seededFloats } from '../devices/random.js';
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
/** Files up to this size are written with one synchronous call (faster for many small files). */
const SMALL_WRITE = MIB;
/** The name of the signature file at the device's root (DECISIONS §9). */
export const SIGNATURE_NAME = 'SIGNATURE';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function* planLarge(sizes: SetSizes): Generator<PlannedFile> {
  for (let i = 0; i < sizes.largeFiles; i++) {
    yield { path: `large-${pad(i, 2)}.bin`, size: sizes.largeFileMiB * MIB };
  }
}

function* planSmall(sizes: SetSizes, seed: number): Generator<PlannedFile> {
  const random = seededFloats(seed);
  for (let i = 0; i < sizes.smallFiles; i++) {
    const path = `d${pad(Math.floor(i / 20_000), 2)}/d${pad(Math.floor(i / 200) % 100, 3)}/f${pad(i, 6)}.dat`;
    yield { path, size: Math.floor(4 * KIB + random() * 60 * KIB) };
  }
}

/** Sizes with a long tail (log-uniform up to 4 MiB), one file in 200 of 64 MiB, at depths 1-9. */
function* planMixed(sizes: SetSizes, seed: number): Generator<PlannedFile> {
  const random = seededFloats(seed + 1);
  for (let i = 0; i < sizes.mixedFiles; i++) {
    const depth = 1 + Math.floor(random() * 9);
    const dirs = Array.from({ length: depth }, (_, level) => `l${level}-${Math.floor(random() * 3)}`);
    const large = i % 200 === 199;
    const size = large ? 64 * MIB : Math.floor(Math.exp(random() * Math.log(4 * MIB)));
    yield { path: [...dirs, `m${pad(i, 6)}.bin`].join('/'), size };
  }
}

/** 0-256 bytes (log-uniform: many empty and tiny files), 1,000 per folder, 100 folders per top folder. */
function* planTiny(sizes: SetSizes, seed: number): Generator<PlannedFile> {
  const random = seededFloats(seed + 2);
  for (let i = 0; i < sizes.tinyFiles; i++) {
    const path = `p${pad(Math.floor(i / 100_000), 2)}/s${pad(Math.floor(i / 1000) % 100, 2)}/n${pad(i, 7)}.txt`;
    yield { path, size: logUniformSize(random, 256) };
  }
}

function plan(name: SetName, sizes: SetSizes, seed: number): Iterable<PlannedFile> {
  if (name === 'A') return planLarge(sizes);
  if (name === 'B') return planSmall(sizes, seed);
  if (name === 'C') return planMixed(sizes, seed);
  return planTiny(sizes, seed);
}

/** What a set's stamp records of the sizes (A-C as before D existed, so kept sets stay valid). */
function sizesOf(name: SetName, sizes: SetSizes): object {
  const { tinyFiles, ...others } = sizes;
  return name === 'D' ? { tinyFiles } : others;
}

async function writeLarge(path: string, size: number, content: { next(length: number): Buffer }) {
  const handle = await open(path, 'w');
  try {
    for (let left = size; left > 0; left -= WRITE_CHUNK) {
      await handle.write(content.next(Math.min(WRITE_CHUNK, left)));
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes every planned file; small ones with one synchronous call each (a million files in about
 * 30 s). Set D draws its bytes from one stream (a cipher per file would double the time).
 */
async function writeTree(name: SetName, tree: string, files: Iterable<PlannedFile>, seed: number) {
  await rm(tree, { recursive: true, force: true });
  const shared = contentStream(seed, name);
  let lastDir = '';
  for (const file of files) {
    const path = join(tree, file.path);
    if (dirname(path) !== lastDir) {
      lastDir = dirname(path);
      mkdirSync(lastDir, { recursive: true });
    }
    const content = name === 'D' ? shared : contentStream(seed, file.path);
    if (file.size <= SMALL_WRITE) writeFileSync(path, content.next(file.size));
    else await writeLarge(path, file.size, content);
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
  const totals = { files: 0, bytes: 0, largestFile: 0 };
  for (const file of plan(name, sizes, seed)) {
    totals.files++;
    totals.bytes += file.size;
    totals.largestFile = Math.max(totals.largestFile, file.size);
  }
  const base = join(work, name);
  const set: DataSet = { name, tree: join(base, 'tree'), image: join(base, 'image.ext2'), ...totals };
  const stamp = join(base, 'params.json');
  const params = { name, sizes: sizesOf(name, sizes), seed, files: set.files, bytes: set.bytes };
  if (existsSync(stamp) && existsSync(set.image)) {
    const kept: unknown = JSON.parse(await readFile(stamp, 'utf8'));
    if (isDeepStrictEqual(kept, params)) return set;
  }
  await rm(stamp, { force: true });
  await writeTree(name, set.tree, plan(name, sizes, seed), seed);
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
