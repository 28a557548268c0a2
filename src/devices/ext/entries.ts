import { DeviceReadError, type DeviceEntry } from '../port.js';
import type { ExtContext } from './context.js';
import { readDirectory } from './directory.js';
import { ExtCorruption, extFailure, isDeviceGone } from './errors.js';
import { FileData } from './file-data.js';
import { checkSizeFits } from './file-map.js';
import type { ExtInode } from './inode.js';
import { compareNames, decodeName, type ExtName } from './names.js';

/** A directory entry's name, decoded, with what the entry points to. */
export interface ListedName extends ExtName {
  readonly inode: number;
  readonly fileType: DeviceEntry['type'] | null;
}

/** Listings longer than this are not cached (a huge directory is walked once anyway). */
const LISTING_CACHE_NAMES = 10_000;

/** An entry and, when it could be read, its inode. */
export interface StatResult {
  readonly entry: DeviceEntry;
  readonly inode: ExtInode | null;
}

/** Throws the device-scope error when `err` says the device is gone or the volume is closed. */
export function throwIfFatal(
  ctx: ExtContext,
  err: unknown,
  operation: 'stat' | 'readdir',
  path: string,
): void {
  if (isDeviceGone(err)) throw extFailure(err, { operation, path });
  if (ctx.closed) throw closedError();
}

/** The error for any use of a closed volume (EBADF, scope device). */
export function closedError(operation: 'read' | 'open' = 'read', path = ''): DeviceReadError {
  return new DeviceReadError({
    code: 'EBADF',
    operation,
    path,
    scope: 'device',
    message: 'the ext volume is closed',
  });
}

/**
 * The entries of directory `inode`, decoded and sorted in walk order (cached when small).
 * Throws ExtCorruption or VolumeReadFailure.
 */
export async function listDirectory(ctx: ExtContext, inode: ExtInode): Promise<readonly ListedName[]> {
  const cached = ctx.listings.get(inode.number);
  if (cached) return cached;
  const records = await readDirectory(new FileData(ctx, inode), ctx.io, ctx.sb);
  const names = records
    .map((record) => ({ ...decodeName(record.name), inode: record.inode, fileType: record.fileType }))
    .sort(compareNames);
  if (names.length <= LISTING_CACHE_NAMES) ctx.listings.set(inode.number, names);
  return names;
}

function unreadable(path: string, invalid: boolean, error: DeviceReadError): DeviceEntry {
  return {
    path,
    type: 'file',
    size: 0,
    mtime: new Date(0),
    ...(invalid ? { invalidName: true } : {}),
    error,
  };
}

/** Problems of a readable inode that make its entry unusable, or null. */
function inodeProblem(ctx: ExtContext, name: ListedName, inode: ExtInode): Error | null {
  if (name.fileType !== null && name.fileType !== inode.type) {
    return new ExtCorruption(
      `the directory entry says ${name.fileType} but inode ${inode.number} is a ${inode.type}`,
    );
  }
  try {
    if (inode.type === 'file') checkSizeFits(inode, ctx.io.blockSize);
  } catch (err) {
    return err as Error;
  }
  return null;
}

/**
 * The entry for `name` at `path` (`invalid`: the path holds U+FFFD). An inode that cannot be read
 * or cannot be right gives an entry of type 'file' with `error` (operation 'stat', scope 'file').
 * Throws a device-scope DeviceReadError when the device is gone or the volume was closed.
 */
export async function statName(
  ctx: ExtContext,
  path: string,
  name: ListedName,
  invalid: boolean,
): Promise<StatResult> {
  let inode: ExtInode;
  try {
    inode = await ctx.inodes.read(name.inode);
  } catch (err) {
    throwIfFatal(ctx, err, 'stat', path);
    return { entry: unreadable(path, invalid, extFailure(err, { operation: 'stat', path })), inode: null };
  }
  const problem = inodeProblem(ctx, name, inode);
  if (problem)
    return {
      entry: unreadable(path, invalid, extFailure(problem, { operation: 'stat', path })),
      inode: null,
    };
  const entry: DeviceEntry = {
    path,
    type: inode.type,
    size: inode.type === 'file' ? inode.size : 0,
    mtime: inode.mtime,
    ...(invalid ? { invalidName: true } : {}),
  };
  return { entry, inode };
}
