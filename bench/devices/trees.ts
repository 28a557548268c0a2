/**
 * The two trees the bench reads: `large` (a few big files) and `small` (many files of 0-16 KiB,
 * log-uniform sizes), written once from a seed into a work directory, with a manifest: file
 * count, bytes and a digest of every file's MD5 that readers are checked against.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { contentStream, logUniformSize, seededFloats } from './random.js';

export type TreeName = 'large' | 'small';

/** What a tree is made of; the same parameters always give the same bytes. */
export interface TreeParams {
  readonly name: TreeName;
  readonly seed: number;
  readonly fileCount: number;
  /** large: bytes of each file; small: the largest size. */
  readonly fileBytes: number;
}

/** A built tree and what any correct reader must find in it. */
export interface TreeManifest {
  readonly params: TreeParams;
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  /** MD5 of the sorted lines `path NUL md5hex LF`, one per file (see treeDigest). */
  readonly digest: string;
}

/** A file of a tree: its path below the root and its size. */
interface PlannedFile {
  readonly path: string;
  readonly size: number;
}

const WRITE_CHUNK = 8 << 20;
const SMALL_FILES_PER_DIR = 100;
const SMALL_DIRS_PER_TOP = 10;

/** The digest of a tree given each file's path and MD5 (hex), in any order. */
export function treeDigest(files: ReadonlyArray<readonly [path: string, md5: string]>): string {
  const lines = files.map(([path, md5]) => `${path}\0${md5}\n`).sort();
  return createHash('md5').update(lines.join('')).digest('hex');
}

function plan(params: TreeParams): PlannedFile[] {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  if (params.name === 'large') {
    return Array.from({ length: params.fileCount }, (_, i) => ({
      path: `part-${pad(i, 2)}.bin`,
      size: params.fileBytes,
    }));
  }
  const random = seededFloats(params.seed);
  return Array.from({ length: params.fileCount }, (_, i) => {
    const leaf = Math.floor(i / SMALL_FILES_PER_DIR);
    const top = Math.floor(leaf / SMALL_DIRS_PER_TOP);
    return {
      path: `d${pad(top, 3)}/d${pad(leaf, 4)}/f${pad(i, 5)}.bin`,
      size: logUniformSize(random, params.fileBytes),
    };
  });
}

/** Writes one file's content and returns its MD5 (hex). */
async function writeContent(path: string, size: number, seed: number, name: string): Promise<string> {
  const content = contentStream(seed, name);
  const hash = createHash('md5');
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const chunk = content.next(Math.min(WRITE_CHUNK, size - done));
      hash.update(chunk);
      await handle.write(chunk);
      done += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function readManifest(path: string): Promise<TreeManifest | null> {
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as TreeManifest;
}

/**
 * The tree `params` under `workDir/trees/<name>`: reused when its manifest says it was built with
 * the same parameters, else (re)written. Errors: the file system's (ENOSPC...).
 */
export async function buildTree(
  workDir: string,
  params: TreeParams,
): Promise<{ manifest: TreeManifest; reused: boolean }> {
  const dir = join(workDir, 'trees', params.name);
  const manifestPath = `${dir}.json`;
  const existing = await readManifest(manifestPath);
  if (existing && isDeepStrictEqual(existing.params, params) && existsSync(dir))
    return { manifest: { ...existing, dir }, reused: true };
  await rm(manifestPath, { force: true });
  await rm(dir, { recursive: true, force: true });
  const sums: [string, string][] = [];
  let bytes = 0;
  for (const file of plan(params)) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    sums.push([file.path, await writeContent(path, file.size, params.seed, file.path)]);
    bytes += file.size;
  }
  const manifest: TreeManifest = { params, dir, files: sums.length, bytes, digest: treeDigest(sums) };
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return { manifest, reused: false };
}
