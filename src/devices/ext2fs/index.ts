import type { BlockSource } from '../block-source.js';
import type { DeviceReader } from '../port.js';
import { ReadOnlyCachedDisk } from './cached-disk.js';
import { openExtVolumeOnDisk, type ExtVolumeOptions } from './ext-volume-reader.js';

export { journalNotReplayedWarning, type ExtKind, type ExtVolumeOptions } from './ext-volume-reader.js';

/**
 * Opens an ext2, ext3 or ext4 volume for reading through libext2fs (npm `ext2fs`), over a
 * read-only caching wrapper of `source` (1 MiB chunks, 64 kept): nothing is ever written to it.
 * `fileSystem` is `options.kind`; `warnings` holds one sentence when the journal needed recovery
 * (it is not replayed). The reader never closes `source`: its owner does, after `close()`.
 * Throws DeviceReadError scope 'device', operation 'mount' when the volume cannot be mounted:
 * code EIO (or the device's code) when the device failed, EUCLEAN for damaged or foreign
 * metadata, ENOMEM when the volume (about 250 GB and up) or the volumes already open in this
 * process are too large for libext2fs's fixed 16 MiB heap.
 */
export function openExtVolume(source: BlockSource, options: ExtVolumeOptions): Promise<DeviceReader> {
  return openExtVolumeOnDisk(new ReadOnlyCachedDisk(source), source.name, options);
}
