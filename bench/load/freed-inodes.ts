/**
 * How the bench keeps each run from paying for an earlier run's deletions.
 *
 * ext4 without a journal (this machine's root file system, mounted with neither a journal nor
 * `data=`) will not reuse an inode freed less than 60 s ago, or 360 s while its inode table block
 * is dirty, and checks that one free inode at a time on every allocation (`recently_deleted` in
 * fs/ext4/ialloc.c; file systems with a journal skip the check). After the deletion of tens of
 * thousands of files, every file created on that disk for the next minutes scans past them: `cp
 * -r` of set B took 6 s instead of 0.75 s, with 77% of its CPU in recently_deleted and the block
 * lookups it makes (perf), and the embedded store's file creation the same.
 *
 * So within a run nothing is deleted: each copy and loaded bucket is set aside (renamed into one
 * folder, its files truncated to free their blocks but not their inodes) and the folder goes when
 * the run ends; and a run that deleted many files leaves a stamp, so that the next run waits the
 * window out before its embedded-store runs.
 */
import { existsSync, readdirSync, truncateSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from '../devices/shell.js';

/** The folder (in the embedded folder) where a run's copies wait until the run ends. */
const SET_ASIDE_DIR = 'set-aside';
/** Removing at least this many files at the end of a run makes the next one wait. */
const MANY_FILES = 10_000;

/** How long ext4 may skip a freed inode: 60 s, plus 300 s while its inode table block is dirty. */
const RECENTLY_FREED_MS = 360_000;

/** Where the time of the last large deletion is kept (one machine, one bench at a time). */
const STAMP = join(tmpdir(), 'longshore-bench-freed-inodes.json');

/**
 * Moves `path` (a copy or a loaded bucket; gone already is fine) into `embeddedDir`'s set-aside
 * folder and truncates its files: their blocks are freed at once, their inodes when the run ends.
 */
export async function setAside(embeddedDir: string, path: string): Promise<void> {
  const aside = join(embeddedDir, SET_ASIDE_DIR);
  await mkdir(aside, { recursive: true });
  const moved = join(aside, `${basename(path)}-${randomBytes(6).toString('hex')}`);
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of readdirSync(moved, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) truncateSync(join(entry.parentPath, entry.name), 0);
  }
}

/**
 * Removes `embeddedDir` with everything set aside in it and, when that was many files, stamps
 * the time for settleFreedInodes.
 */
export async function removeEmbeddedDir(embeddedDir: string): Promise<void> {
  const aside = join(embeddedDir, SET_ASIDE_DIR);
  const files = existsSync(aside) ? readdirSync(aside, { recursive: true }).length : 0;
  await rm(embeddedDir, { recursive: true, force: true });
  if (files >= MANY_FILES) await writeFile(STAMP, JSON.stringify({ at: Date.now(), dir: embeddedDir }));
}

/**
 * Waits until the inodes the bench last freed are out of ext4's window, when they were freed less
 * than RECENTLY_FREED_MS ago on a file system that checks (ext4 without a journal; unknown counts
 * as one), and says so.
 */
export async function settleFreedInodes(log: (line: string) => void): Promise<void> {
  const last = await lastFreed();
  if (last === null) return;
  const wait = last.at + RECENTLY_FREED_MS - Date.now();
  if (wait <= 0 || !(await skipsFreedInodes(last.dir))) return;
  log(
    `waiting ${Math.ceil(wait / 1000)} s: ext4 without a journal skips the inodes the last run freed ` +
      'for 6 minutes, and every file created meanwhile would pay for it (docs/performance.md)',
  );
  await sleep(wait);
}

async function lastFreed(): Promise<{ at: number; dir: string } | null> {
  try {
    const stamp = JSON.parse(await readFile(STAMP, 'utf8')) as { at?: unknown; dir?: unknown };
    return typeof stamp.at === 'number' && typeof stamp.dir === 'string'
      ? { at: stamp.at, dir: stamp.dir }
      : null;
  } catch {
    return null;
  }
}

/** True unless `dir` is known to be on a file system other than ext4 without a journal. */
async function skipsFreedInodes(dir: string): Promise<boolean> {
  const probe = existsSync(dir) ? dir : join(dir, '..');
  const found = await runCommand('findmnt', ['-n', '-o', 'SOURCE,FSTYPE', '-T', probe]).catch(() => null);
  if (found === null) return true;
  const [source = '', fsType = ''] = found.stdout.trim().split(/\s+/);
  if (fsType !== 'ext4') return false;
  return !existsSync(`/proc/fs/jbd2/${basename(source)}-8`);
}
