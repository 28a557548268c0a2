import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { alignDown, alignedBuffer, alignUp } from './aligned-buffer.js';
import { eraseFailure, startPhase } from './progress.js';
import type { EraseProgress, EraseTarget, VerifyResult } from './types.js';

/** Size of one random sample, and the alignment of every read (O_DIRECT needs sector alignment). */
export const SAMPLE_BLOCK = 4096;
/** The start and the end of the device are read back whole: partition tables and labels live there. */
export const EDGE_BYTES = 1024 * 1024;
/** Random blocks read back by default. */
export const DEFAULT_SAMPLE_COUNT = 256;

/** A stretch of the device to read back. */
export interface SampleRegion {
  readonly offset: number;
  readonly length: number;
}

/**
 * What the read-back covers: the first MiB, the last MiB (from a 4 KiB boundary) and `count`
 * random 4 KiB blocks chosen with `random` (numbers in [0, 1)). Never throws.
 */
export function sampleRegions(size: number, count: number, random: () => number): SampleRegion[] {
  const regions: SampleRegion[] = [{ offset: 0, length: Math.min(EDGE_BYTES, size) }];
  if (size > EDGE_BYTES) {
    const offset = Math.max(EDGE_BYTES, alignDown(size - EDGE_BYTES, SAMPLE_BLOCK));
    regions.push({ offset, length: size - offset });
  }
  for (let i = 0; i < count; i++) {
    const offset = alignDown(Math.floor(random() * size), SAMPLE_BLOCK);
    regions.push({ offset, length: Math.min(SAMPLE_BLOCK, size - offset) });
  }
  return regions;
}

/** Opens for reading past the page cache (O_DIRECT) where the file system or device allows it. */
async function openForReading(path: string): Promise<{ handle: FileHandle; direct: boolean }> {
  try {
    return { handle: await fsp.open(path, constants.O_RDONLY | constants.O_DIRECT), direct: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    return { handle: await fsp.open(path, constants.O_RDONLY), direct: false };
  }
}

/** Reads `region` into the start of `buffer` (aligned lengths, looping on short reads). */
async function readRegion(handle: FileHandle, buffer: Buffer, region: SampleRegion, path: string) {
  let done = 0;
  while (done < region.length) {
    const position = region.offset + done;
    const wanted = Math.min(alignUp(region.length - done, SAMPLE_BLOCK), buffer.length - done);
    let read: number;
    try {
      ({ bytesRead: read } = await handle.read(buffer, done, wanted, position));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw eraseFailure(`reading ${path} back failed at byte ${position} (${code})`, position, err);
    }
    if (read === 0) throw eraseFailure(`${path} ended at byte ${position} while reading it back`, position);
    done += read;
  }
  return buffer.subarray(0, region.length);
}

/** Index of the first non-zero byte of `bytes`, or -1. */
function firstNonZero(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return i;
  return -1;
}

/**
 * Reads back the regions of sampleRegions() (256 random blocks by default) and reports the
 * first byte that is not zero, bypassing the page cache where it can so the medium itself is
 * checked. Does not throw for a non-zero byte (the result says where); InternalError with the
 * path and byte when a read fails, fs errors when the path cannot be opened.
 */
export async function verifyZeroed(
  target: EraseTarget,
  options: {
    sampleCount?: number;
    random?: () => number;
    onProgress?: (progress: EraseProgress) => void;
  } = {},
): Promise<VerifyResult> {
  const count = options.sampleCount ?? DEFAULT_SAMPLE_COUNT;
  const regions = sampleRegions(target.size, count, options.random ?? Math.random);
  const total = regions.reduce((sum, region) => sum + region.length, 0);
  const clock = startPhase('verify', total, options.onProgress);
  const { handle, direct } = await openForReading(target.path);
  const buffer = alignedBuffer(EDGE_BYTES + SAMPLE_BLOCK);
  let checked = 0;
  try {
    for (const region of regions) {
      const bytes = await readRegion(handle, buffer, region, target.path);
      const index = firstNonZero(bytes);
      checked += region.length;
      if (index >= 0) {
        return {
          samples: regions.length,
          bytesChecked: checked,
          direct,
          nonZeroOffset: region.offset + index,
        };
      }
      clock.report(checked);
    }
  } finally {
    await handle.close();
  }
  return { samples: regions.length, bytesChecked: checked, direct, nonZeroOffset: null };
}
