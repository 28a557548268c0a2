import { promises as fsp, type Stats } from 'node:fs';
import { CatalogError } from '../../catalog/index.js';
import { openBlockSource } from '../../devices/index.js';
import { findMountedUse, partitionParent } from './in-use.js';
import type { EraseTarget } from './types.js';

/** The parameter refusals name: what the operator gave on the command line. */
export const DEVICE_PARAMETER = '--device';

/** InvalidParameterException naming --device, the path and why it cannot be erased. */
export function deviceRefusal(path: string, reason: string): CatalogError {
  return new CatalogError(
    'InvalidParameterException',
    { parameter: DEVICE_PARAMETER },
    { parameter: DEVICE_PARAMETER, value: path, reason },
  );
}

async function statOrRefuse(path: string): Promise<Stats> {
  try {
    return await fsp.stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw deviceRefusal(path, `no such device or image file (${code})`);
  }
}

/** Size in bytes: from sysfs for a block device (stat says 0 there), else the file's size. */
async function sizeOf(path: string, stats: Stats): Promise<number> {
  if (!stats.isBlockDevice()) return stats.size;
  const source = await openBlockSource(path);
  try {
    return source.size;
  } finally {
    await source.close();
  }
}

/** The refusals that depend only on what kind of thing `path` is. */
async function kindRefusal(path: string, stats: Stats): Promise<string | null> {
  if (stats.isDirectory()) {
    return 'a mounted directory cannot be erased: unmount it and give the device node (e.g. /dev/sdc)';
  }
  if (!stats.isBlockDevice() && !stats.isFile()) return 'it is neither a block device nor an image file';
  const parent = await partitionParent(stats);
  if (parent !== null) {
    return `it is a partition of /dev/${parent}: give the whole device /dev/${parent} (the erase covers every byte of the disk)`;
  }
  return null;
}

/**
 * Checks that `path` may be zero-filled and measures it. Refuses (InvalidParameterException
 * naming --device, with the reason) a path that does not exist, a directory ("a mounted directory
 * cannot be erased"), anything but a block device or an image file, a partition (the whole disk
 * is erased, so give the disk), a device or image that is mounted or swapped on (itself, a
 * partition of it, or a loop device over it), and an empty one. Fs errors of the size lookup pass.
 */
export async function eraseTarget(path: string): Promise<EraseTarget> {
  const stats = await statOrRefuse(path);
  const refusal = await kindRefusal(path, stats);
  if (refusal !== null) throw deviceRefusal(path, refusal);
  const use = await findMountedUse(path, stats);
  if (use !== null) throw deviceRefusal(path, `${use}: unmount it first`);
  const size = await sizeOf(path, stats);
  if (size === 0) throw deviceRefusal(path, 'it holds no bytes (no medium in the reader?)');
  return { path, kind: stats.isBlockDevice() ? 'block-device' : 'image-file', size };
}
