import { eraseFailure } from './progress.js';
import { eraseTarget } from './target.js';
import type { EraseOptions, EraseResult, EraseTarget, VerifyResult } from './types.js';
import { verifyZeroed } from './verify.js';
import { zeroFill } from './zero-fill.js';

export type * from './types.js';
export { checkEraseAllowed } from './policy.js';
export { eraseTarget, deviceRefusal, DEVICE_PARAMETER } from './target.js';
export { findMountedUse } from './in-use.js';
export { verifyZeroed, sampleRegions, DEFAULT_SAMPLE_COUNT, EDGE_BYTES, SAMPLE_BLOCK } from './verify.js';
export { zeroFill, WRITE_CHUNK } from './zero-fill.js';

function notErased(target: EraseTarget, verification: VerifyResult): Error {
  const offset = verification.nonZeroOffset ?? 0;
  return eraseFailure(
    `${target.path} still holds data after the erase (byte ${offset} reads back non-zero): ` +
      'the device may be failing; do not return it as erased',
    offset,
  );
}

/**
 * Erases the block device or image file at `path`: checks it (eraseTarget), writes zeros over
 * every byte of it (not only the loaded volume) keeping an image's size, flushes, then reads back
 * the first and last MiB and `sampleCount` random 4 KiB blocks (256 by default) and requires
 * zeros. Progress events come about every 4 MiB, then per sample. Errors:
 * InvalidParameterException (--device) for what cannot be erased (a directory, a partition, a
 * mounted device...), InternalError with the path and byte when a write or read fails, the erase
 * is interrupted through `signal`, or a sample is not zero.
 */
export async function eraseDevice(path: string, options: EraseOptions = {}): Promise<EraseResult> {
  const target = await eraseTarget(path);
  const fill = await zeroFill(target, options);
  const verification = await verifyZeroed(target, options);
  if (verification.nonZeroOffset !== null) throw notErased(target, verification);
  return {
    path: target.path,
    kind: target.kind,
    bytes: target.size,
    seconds: fill.seconds,
    bytesPerSecond: fill.seconds > 0 ? target.size / fill.seconds : 0,
    directWrites: fill.direct,
    verification,
  };
}
