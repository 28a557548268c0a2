/**
 * The timed operations: one read of a volume by the device API in a child process
 * (reader-child.js), the tar bound on the tree itself, and warming the page cache.
 */
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './reader-child.js';
import { runCommand, spawnCommand } from './shell.js';

const CHILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'reader-child.js');

/** Where a child reads, and with what. */
export interface ReadSpec {
  /** The built checkout's dist/ directory. */
  readonly dist: string;
  /** An image file, or a directory read as a mounted volume. */
  readonly target: string;
  /** Work directory for the readers (NTFS mount points go under it). */
  readonly workDir: string;
  readonly md5: boolean;
}

/**
 * Reads the whole volume once in a child process and returns what it measured. Throws with the
 * child's stderr when it fails.
 */
export async function readInChild(spec: ReadSpec): Promise<ChildResult> {
  const args = [CHILD_SCRIPT, '--dist', spec.dist, '--target', spec.target, '--work', spec.workDir];
  if (spec.md5) args.push('--md5');
  const result = await spawnCommand(process.execPath, args);
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(
      `reading ${spec.target} failed (exit ${result.code}): ${result.stderr.trim().slice(-2000)}`,
    );
  }
  return JSON.parse(lastLine) as ChildResult;
}

/**
 * The upper bound: GNU tar reading the tree `dir`, its archive piped through cat into /dev/null.
 * (Given /dev/null as its archive, or a stdout that is /dev/null, GNU tar notices and does not
 * read file contents at all.) Returns the wall-clock seconds; throws when the pipeline fails.
 */
export async function tarSeconds(dir: string): Promise<number> {
  const script = 'set -o pipefail; tar cf - -C "$1" . | cat > /dev/null';
  const result = await runCommand('bash', ['-c', script, 'bash', dir]);
  return result.seconds;
}

/** Reads `path` to its end so that it is in the page cache. Errors: the read's. */
export async function warmFile(path: string): Promise<void> {
  for await (const _chunk of createReadStream(path, { highWaterMark: 8 << 20 })) {
    // only the reading matters
  }
}
