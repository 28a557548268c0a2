import type { DeviceEntry } from '../port.js';
import { ROOT_INODE, type ExtContext } from './context.js';
import { closedError, listDirectory, statName, throwIfFatal, type ListedName } from './entries.js';
import { ExtCorruption, extFailure } from './errors.js';
import type { ExtInode } from './inode.js';
import { joinPath } from './names.js';

/** One directory being walked. */
interface Frame {
  readonly path: string;
  /** The directory's path holds U+FFFD (its name or a parent's is not UTF-8). */
  readonly invalid: boolean;
  readonly names: readonly ListedName[];
  index: number;
}

/** What the walk hands its owner for each entry, so openFile need not look it up again. */
export type RememberEntry = (entry: DeviceEntry, inode: ExtInode) => void;

/**
 * The root directory's names, in walk order. Throws DeviceReadError scope 'device' (operation
 * 'readdir') when the root cannot be listed: nothing below it could be reached.
 */
export async function listRoot(ctx: ExtContext): Promise<readonly ListedName[]> {
  try {
    return await listDirectory(ctx, ctx.root);
  } catch (err) {
    throw extFailure(err, { operation: 'readdir', path: '', scope: 'device' });
  }
}

/** A directory's entry (with `error` when it cannot be listed) and its children. */
interface Listed {
  readonly entry: DeviceEntry;
  readonly children: readonly ListedName[] | null;
}

/** Lists directory `inode` of `entry`, once per walk (a second time means a cycle). */
async function listChild(
  ctx: ExtContext,
  entry: DeviceEntry,
  inode: ExtInode,
  listed: Set<number>,
): Promise<Listed> {
  const path = entry.path;
  if (listed.has(inode.number)) {
    const cycle = new ExtCorruption(`directory inode ${inode.number} was already listed (a directory cycle)`);
    return { entry: { ...entry, error: extFailure(cycle, { operation: 'readdir', path }) }, children: null };
  }
  listed.add(inode.number);
  try {
    return { entry, children: await listDirectory(ctx, inode) };
  } catch (err) {
    throwIfFatal(ctx, err, 'readdir', path);
    return { entry: { ...entry, error: extFailure(err, { operation: 'readdir', path }) }, children: null };
  }
}

/**
 * Every entry below the root, depth first, names in JS string order, a directory before its
 * contents (see DeviceReader.walk). An inode that cannot be read gives an entry with a 'stat'
 * error; a directory that cannot be listed, or that was already listed (a cycle), is yielded with
 * a 'readdir' error and the walk goes on. Throws DeviceReadError scope 'device' when the root
 * cannot be listed, the device is gone, or the volume is closed (EBADF).
 */
export async function* walkVolume(ctx: ExtContext, remember: RememberEntry): AsyncGenerator<DeviceEntry> {
  if (ctx.closed) throw closedError();
  const listed = new Set<number>([ROOT_INODE]);
  const stack: Frame[] = [{ path: '', invalid: false, names: await listRoot(ctx), index: 0 }];
  while (stack.length > 0) {
    if (ctx.closed) throw closedError();
    const frame = stack[stack.length - 1] as Frame;
    const name = frame.names[frame.index++];
    if (name === undefined) {
      stack.pop();
      continue;
    }
    const invalid = frame.invalid || name.invalid;
    const { entry, inode } = await statName(ctx, joinPath(frame.path, name.text), name, invalid);
    if (!inode) {
      yield entry;
      continue;
    }
    const { entry: yielded, children } =
      entry.type === 'directory' ? await listChild(ctx, entry, inode, listed) : { entry, children: null };
    remember(yielded, inode);
    yield yielded;
    if (children) stack.push({ path: entry.path, invalid, names: children, index: 0 });
  }
}
