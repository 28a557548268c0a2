import { promises as fsp } from 'node:fs';
import { DeviceReadError, type DeviceEntry } from '../port.js';
import { errnoCode, fsFailure, isDeviceLevel } from './errors.js';
import { entryTypeOf, joinRaw, listDirectory, type ListedName } from './listing.js';

/** A directory being walked: where it is and which of its (sorted) names come next. */
interface Frame {
  readonly raw: Buffer;
  readonly path: string;
  /** This directory's path already holds U+FFFD (its name or an ancestor's is not UTF-8). */
  readonly invalid: boolean;
  readonly names: readonly ListedName[];
  next: number;
}

/** An entry together with the bytes path that opens it. */
export interface WalkedEntry {
  readonly entry: DeviceEntry;
  readonly raw: Buffer;
}

/**
 * The root's listing. A root that cannot be listed leaves nothing to read: that is a
 * DeviceReadError with scope device (operation `readdir`, path '').
 */
export async function listRoot(root: Buffer): Promise<ListedName[]> {
  try {
    return await listDirectory(root);
  } catch (err) {
    throw new DeviceReadError({
      code: errnoCode(err),
      operation: 'readdir',
      path: '',
      scope: 'device',
      cause: err,
      message: `cannot list the volume's root: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}

/** An fs error as the entry's error, unless the device is gone: that one is thrown. */
function entryError(err: unknown, operation: 'stat' | 'readdir', path: string): DeviceReadError {
  const failure = fsFailure(err, operation, path);
  if (isDeviceLevel(failure)) throw failure;
  return failure;
}

/** Describes one name of `parent` from its lstat (symlinks are never followed). */
export async function describeName(
  parent: { raw: Buffer; path: string; invalid: boolean },
  name: ListedName,
): Promise<WalkedEntry> {
  const raw = joinRaw(parent.raw, name.raw);
  const path = parent.path ? `${parent.path}/${name.name}` : name.name;
  const invalidName = parent.invalid || name.invalid ? { invalidName: true } : {};
  try {
    const stats = await fsp.lstat(raw);
    const type = entryTypeOf(stats);
    const size = type === 'file' ? stats.size : 0;
    return { raw, entry: { path, type, size, mtime: stats.mtime, ...invalidName } };
  } catch (err) {
    const error = entryError(err, 'stat', path);
    return {
      raw,
      entry: { path, type: name.direntType, size: 0, mtime: new Date(0), ...invalidName, error },
    };
  }
}

/**
 * Every entry below `root` depth first, names in JS string order, a directory before its
 * contents (and listed before it is yielded, so that a directory that cannot be listed carries
 * its `readdir` error). Throws DeviceReadError (scope device) when the root cannot be listed or
 * the device is gone; every other failure is the entry's `error` and the walk goes on.
 */
export async function* walkTree(root: Buffer): AsyncGenerator<WalkedEntry> {
  const stack: Frame[] = [{ raw: root, path: '', invalid: false, names: await listRoot(root), next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const name = frame.names[frame.next++];
    if (!name) {
      stack.pop();
      continue;
    }
    const walked = await describeName(frame, name);
    const { entry, raw } = walked;
    if (entry.type !== 'directory' || entry.error) {
      yield walked;
      continue;
    }
    let names: ListedName[];
    try {
      names = await listDirectory(raw);
    } catch (err) {
      yield { raw, entry: { ...entry, error: entryError(err, 'readdir', entry.path) } };
      continue;
    }
    yield walked;
    stack.push({ raw, path: entry.path, invalid: entry.invalidName === true, names, next: 0 });
  }
}
