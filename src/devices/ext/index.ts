import type { BlockSource } from '../block-source.js';
import type { DeviceReader } from '../port.js';
import { openContext } from './context.js';
import { journalNotReplayedWarning, type ExtKind } from './journal-warning.js';
import { ExtVolume } from './volume.js';

export { journalNotReplayedWarning, type ExtKind } from './journal-warning.js';

/** What the caller found in the superblock. */
export interface ExtVolumeOptions {
  readonly kind: ExtKind;
  /** The incompat flag needs_recovery: the journal holds writes that were never replayed. */
  readonly needsRecovery: boolean;
}

function truncationWarning(declared: number, held: number): string {
  return (
    `The ext volume declares ${declared} bytes but the device holds only ${held}: ` +
    'files stored beyond the end of the device cannot be read.'
  );
}

/**
 * Opens an ext2, ext3 or ext4 volume for reading with this module's own parser: block maps,
 * extent trees, inline data, 32/64-bit group descriptors, meta_bg, block sizes 1-64 KiB, volumes
 * of any size (memory is bounded by small caches). Nothing is ever written, and the journal is
 * not replayed: `warnings` says so when it needed recovery (and when the device is shorter than
 * the volume). close() does not close `source`; its owner does. Throws DeviceReadError (scope
 * 'device', operation 'mount'): the device's code (EIO...) when the superblock or root inode
 * cannot be read, EUCLEAN when the metadata is not a sound ext volume, EUNSUPPORTED naming the
 * features it cannot read (encrypt, compression, journal_dev, dirdata, unknown incompat flags).
 */
export async function openExtVolume(source: BlockSource, options: ExtVolumeOptions): Promise<DeviceReader> {
  const ctx = await openContext(source);
  const warnings: string[] = [];
  if (options.needsRecovery) warnings.push(journalNotReplayedWarning(options.kind));
  const declared = ctx.sb.blockCount * ctx.sb.blockSize;
  if (declared > source.size) warnings.push(truncationWarning(declared, source.size));
  return new ExtVolume(ctx, options.kind, warnings);
}
