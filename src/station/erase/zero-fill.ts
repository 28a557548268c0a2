import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { alignedBuffer } from './aligned-buffer.js';
import { eraseFailure, startPhase } from './progress.js';
import { deviceRefusal } from './target.js';
import type { EraseProgress, EraseTarget } from './types.js';

/** Bytes written per call: large, and a multiple of every sector size. */
export const WRITE_CHUNK = 4 * 1024 * 1024;
/**
 * Buffered writes are flushed this often, so the progress shown is what reached the device and
 * the page cache does not fill with gigabytes of zeros before the final flush.
 */
const SYNC_EVERY = 256 * 1024 * 1024;

/** What the write phase did. */
export interface FillOutcome {
  readonly seconds: number;
  /** True when the writes bypassed the page cache (O_DIRECT). */
  readonly direct: boolean;
}

/**
 * Opens the target for writing, never truncating or creating it. A block device is opened
 * O_EXCL (the kernel answers EBUSY while it is mounted or held) and O_DIRECT when the device
 * allows it.
 */
async function openForWriting(target: EraseTarget): Promise<{ handle: FileHandle; direct: boolean }> {
  const base = constants.O_WRONLY;
  if (target.kind === 'image-file') return { handle: await fsp.open(target.path, base), direct: false };
  const exclusive = base | constants.O_EXCL;
  try {
    try {
      return { handle: await fsp.open(target.path, exclusive | constants.O_DIRECT), direct: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      return { handle: await fsp.open(target.path, exclusive), direct: false };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
    throw deviceRefusal(target.path, 'the kernel reports it in use (mounted, or held by another driver)');
  }
}

/** Writes `length` bytes of `zeros` at `position`, looping on short writes. */
async function writeFully(
  handle: FileHandle,
  zeros: Buffer,
  length: number,
  position: number,
  path: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    let written: number;
    try {
      ({ bytesWritten: written } = await handle.write(zeros, done, length - done, position + done));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const reason = `writing ${path} failed at byte ${position + done} (${code}): the device is not fully erased`;
      throw eraseFailure(reason, position + done, err);
    }
    if (written === 0) {
      throw eraseFailure(`${path} took no more bytes at byte ${position + done}`, position + done);
    }
    done += written;
  }
}

/** fdatasync, with a failure (a disk that cannot flush its cache) as InternalError. */
async function flush(handle: FileHandle, path: string, position: number): Promise<void> {
  try {
    await handle.datasync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw eraseFailure(`flushing ${path} failed (${code}): the device is not reliably erased`, position, err);
  }
}

function interrupted(target: EraseTarget, position: number): Error {
  return eraseFailure(
    `the erase of ${target.path} was interrupted at byte ${position} of ${target.size}: ` +
      'the device is only partly erased; run station erase again',
    position,
  );
}

/**
 * Writes zeros over every byte of `target` in 4 MiB chunks, then flushes (fdatasync, which also
 * flushes a disk's write cache). Aborting `signal` stops between two chunks. Errors:
 * InvalidParameterException (--device) when the kernel holds the device (EBUSY), InternalError
 * with the path and byte when a write fails or the erase is interrupted, fs errors of the open.
 */
export async function zeroFill(
  target: EraseTarget,
  options: { onProgress?: (progress: EraseProgress) => void; signal?: AbortSignal } = {},
): Promise<FillOutcome> {
  const { handle, direct } = await openForWriting(target);
  const clock = startPhase('write', target.size, options.onProgress);
  try {
    const zeros = direct ? alignedBuffer(WRITE_CHUNK) : Buffer.alloc(WRITE_CHUNK);
    clock.report(0);
    for (let position = 0; position < target.size;) {
      if (options.signal?.aborted) throw interrupted(target, position);
      const length = Math.min(WRITE_CHUNK, target.size - position);
      await writeFully(handle, zeros, length, position, target.path);
      position += length;
      if (!direct && position % SYNC_EVERY === 0) await flush(handle, target.path, position);
      clock.report(position);
    }
    await flush(handle, target.path, target.size);
  } finally {
    await handle.close();
  }
  return { seconds: clock.seconds(), direct };
}
