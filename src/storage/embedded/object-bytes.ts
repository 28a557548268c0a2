import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { errnoOf, unlessMissing } from './durable-files.js';

/*
 * An object's bytes on disk: one data file (a single PUT) or a data folder whose files, in name
 * order, are its parts (a multipart completion renames the parts in, see layout.ts). Which of the
 * two is decided by lstat, never by the name. Anything else there (a link, a folder holding a
 * folder) is not an object's bytes.
 */

const READ_CHUNK = 1024 * 1024;

/** The paths of a data folder's part files in object order; null when it is gone or holds anything else. */
async function piecePaths(dir: string): Promise<string[] | null> {
  const entries = await unlessMissing(readdir(dir, { withFileTypes: true }));
  if (entries === null || entries.some((entry) => !entry.isFile())) return null;
  return entries
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(dir, name));
}

/**
 * How many bytes the data file or folder at `path` holds (a folder: the sum of its files), or
 * null when there is nothing there or it is not an object's bytes. Fs errors.
 */
export async function storedSize(path: string): Promise<number | null> {
  const info = await unlessMissing(lstat(path));
  if (info === null) return null;
  if (info.isFile()) return info.size;
  const pieces = info.isDirectory() ? await piecePaths(path) : null;
  if (pieces === null) return null;
  let total = 0;
  for (const piece of pieces) {
    const stat = await unlessMissing(lstat(piece));
    if (stat === null) return null;
    total += stat.size;
  }
  return total;
}

/** Closes handles, ignoring errors (failure and clean-up paths). */
export async function closeAll(handles: readonly FileHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
}

/**
 * Open handles on every file of the bytes at `path` (one for a data file, one per part for a
 * folder) with their total size, so that a reader keeps its version even if an overwrite removes
 * the files meanwhile; null when the path is gone or is not an object's bytes. A folder costs one
 * descriptor per part for as long as the reader reads. Fs errors.
 */
export async function openBytes(path: string): Promise<{ handles: FileHandle[]; size: number } | null> {
  const info = await unlessMissing(lstat(path));
  if (info === null) return null;
  const paths = info.isFile() ? [path] : info.isDirectory() ? await piecePaths(path) : null;
  if (paths === null) return null;
  const handles: FileHandle[] = [];
  try {
    let size = 0;
    for (const piece of paths) {
      const handle = await unlessMissing(open(piece, 'r'));
      if (handle === null) return await dropAll(handles); // removed meanwhile
      handles.push(handle);
      const stat = await handle.stat();
      if (!stat.isFile()) return await dropAll(handles);
      size += stat.size;
    }
    return { handles, size };
  } catch (error) {
    await closeAll(handles);
    throw error;
  }
}

async function dropAll(handles: readonly FileHandle[]): Promise<null> {
  await closeAll(handles);
  return null;
}

/** One stream of the opened files' bytes in order; it closes every handle, read to the end or not. */
export function readBytes(handles: FileHandle[]): Readable {
  if (handles.length === 1) {
    return handles[0]!.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true });
  }
  const progress = { given: 0 }; // handles before this index belong to a stream, which closes them
  const stream = Readable.from(concatenated(handles, progress), {
    objectMode: false,
    highWaterMark: READ_CHUNK,
  });
  // On 'close', not in the generator's finally: a generator destroyed before its first read never runs.
  stream.once('close', () => void closeAll(handles.slice(progress.given)));
  return stream;
}

async function* concatenated(handles: FileHandle[], progress: { given: number }): AsyncGenerator<Buffer> {
  while (progress.given < handles.length) {
    const handle = handles[progress.given]!;
    progress.given += 1;
    for await (const chunk of handle.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true })) {
      yield chunk as Buffer;
    }
  }
}

/** True when an fs error means a rename target is taken by something that is not replaceable. */
export function isInTheWay(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === 'ENOTEMPTY' || errno === 'EEXIST' || errno === 'EISDIR' || errno === 'ENOTDIR';
}
