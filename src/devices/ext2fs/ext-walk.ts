import type { DeviceEntry, DeviceOperation } from '../port.js';
import type { ReadOnlyCachedDisk } from './cached-disk.js';
import { listDirectory, type VolumeGeometry } from './ext-directory.js';
import { childPath, childRawPath, entryFromStats, unreadableEntry, type DecodedName } from './ext-entries.js';
import { extFailure } from './ext-errors.js';
import { VolumeClosedError, type Ext2fsMount } from './ext2fs-binding.js';
import type { Ext2fsStats } from './ext2fs-library.js';

/** What a walk needs from the open volume. */
export interface WalkContext {
  readonly mount: Ext2fsMount;
  readonly disk: ReadOnlyCachedDisk;
  readonly geometry: VolumeGeometry;
  /** Records the raw path an entry was found at, so openFile can use the exact bytes. */
  remember(entry: DeviceEntry, rawPath: Buffer): void;
}

/** The raw path of the root directory. */
export const ROOT_PATH = Buffer.from('/');

/** The names of the root directory, in walk order. Throws DeviceReadError scope 'device'. */
export async function listRoot(ctx: WalkContext): Promise<DecodedName[]> {
  try {
    return await listDirectory(ctx.mount, ctx.geometry, ROOT_PATH, ctx.geometry.blockSize);
  } catch (err) {
    throw extFailure(ctx.disk, 'readdir', '', err, { scope: 'device' });
  }
}

/** Throws a device-scope error when the device is gone or the reader closed: the walk ends. */
function throwIfFatal(ctx: WalkContext, operation: DeviceOperation, path: string, err: unknown): void {
  if (ctx.disk.gone) throw extFailure(ctx.disk, operation, path, err);
  if (err instanceof VolumeClosedError) throw extFailure(ctx.disk, operation, path, err, { scope: 'device' });
}

interface Visited {
  readonly entry: DeviceEntry;
  /** The directory's names when it is a directory that could be listed. */
  readonly children: DecodedName[] | null;
}

/** Reads one name's metadata, and lists it when it is a directory (before it is yielded). */
async function visit(ctx: WalkContext, rawPath: Buffer, path: string, name: DecodedName): Promise<Visited> {
  let stats: Ext2fsStats;
  try {
    stats = await ctx.mount.lstat(rawPath);
  } catch (err) {
    throwIfFatal(ctx, 'stat', path, err);
    return { entry: unreadableEntry(path, name, extFailure(ctx.disk, 'stat', path, err)), children: null };
  }
  const entry = entryFromStats(path, name, stats);
  if (entry.type !== 'directory') return { entry, children: null };
  try {
    return { entry, children: await listDirectory(ctx.mount, ctx.geometry, rawPath, stats.size) };
  } catch (err) {
    throwIfFatal(ctx, 'readdir', path, err);
    return { entry: { ...entry, error: extFailure(ctx.disk, 'readdir', path, err) }, children: null };
  }
}

/** A name below a directory whose own path is not UTF-8 has a path that is not either. */
function inheritInvalid(name: DecodedName, parentInvalid: boolean): DecodedName {
  return parentInvalid && !name.invalid ? { ...name, invalid: true } : name;
}

async function* walkDirectory(
  ctx: WalkContext,
  rawPath: Buffer,
  path: string,
  names: DecodedName[],
  parentInvalid: boolean,
): AsyncGenerator<DeviceEntry> {
  for (const stored of names) {
    const name = inheritInvalid(stored, parentInvalid);
    const childRaw = childRawPath(rawPath, name.raw);
    const { entry, children } = await visit(ctx, childRaw, childPath(path, name.text), name);
    ctx.remember(entry, childRaw);
    yield entry;
    if (children) yield* walkDirectory(ctx, childRaw, entry.path, children, name.invalid);
  }
}

/**
 * Every entry below the root, depth first, names in JS string order, a directory before its
 * contents. `invalidName` marks an entry whose path holds U+FFFD for bytes that are not UTF-8,
 * in its own name or a parent's. An unreadable inode gives an entry with `error` (operation
 * 'stat'); a directory that cannot be listed is yielded with `error` (operation 'readdir') and
 * the walk goes on. Throws a DeviceReadError with scope 'device' when the root cannot be listed,
 * the device is gone or the reader was closed.
 */
export async function* walkVolume(ctx: WalkContext): AsyncGenerator<DeviceEntry> {
  yield* walkDirectory(ctx, ROOT_PATH, '', await listRoot(ctx), false);
}
