import type { BlockSource } from './block-source.js';
import { detectVolume, type Detection } from './detect.js';
import { readPartitionTable } from './partitions.js';

/** One volume of a device: the whole device (index null) or one partition. */
export interface Volume {
  /** Partition number as Linux counts it, or null for an unpartitioned device. */
  readonly index: number | null;
  /** Byte offset and size on the device. */
  readonly offset: number;
  readonly size: number;
  readonly detection: Detection;
  /** The file system says it is bigger than what the device holds (a truncated image or a failing disk). */
  readonly truncated: boolean;
}

export interface DeviceLayout {
  readonly scheme: 'none' | 'mbr' | 'gpt';
  /** Empty when the device holds neither a file system at its start nor a partition table. */
  readonly volumes: readonly Volume[];
}

async function volumeAt(
  source: BlockSource,
  index: number | null,
  offset: number,
  size: number,
): Promise<Volume> {
  const detection = await detectVolume(source, offset);
  const available = Math.max(0, Math.min(size, source.size - offset));
  const declared = detection.declaredSize;
  return { index, offset, size: available, detection, truncated: declared !== null && declared > available };
}

/**
 * Finds the volumes of a device (DECISIONS §9): a file system at offset 0 first (an
 * unpartitioned FAT or NTFS volume also looks like an MBR), else the GPT or MBR partitions, each
 * with what it holds. Read failures on these first sectors are thrown (DeviceReadError): the
 * caller reports them as DeviceError.
 */
export async function readDeviceLayout(source: BlockSource): Promise<DeviceLayout> {
  const whole = await volumeAt(source, null, 0, source.size);
  if (whole.detection.kind !== 'unknown') return { scheme: 'none', volumes: [whole] };
  const table = await readPartitionTable(source);
  if (!table) return { scheme: 'none', volumes: [] };
  const volumes: Volume[] = [];
  for (const partition of table.partitions) {
    if (partition.start >= source.size) continue;
    volumes.push(await volumeAt(source, partition.index, partition.start, partition.size));
  }
  return { scheme: table.scheme, volumes };
}

/** `whole device`, `partition 2`: how messages and history lines name a volume. */
export function describeVolume(volume: Volume): string {
  return volume.index === null ? 'whole device' : `partition ${volume.index}`;
}
