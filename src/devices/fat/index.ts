import type { BlockSource } from '../block-source.js';
import { DeviceReadError, type DeviceReader } from '../port.js';
import { BOOT_SECTOR_BYTES, readFatBootSector, type FatGeometry } from './boot-sector.js';
import { DirectoryReader, ROOT, type DirectoryListing } from './directory.js';
import { FatTable } from './fat-table.js';
import { ReadAhead } from './read-ahead.js';
import { FatVolume } from './volume.js';
import { ZoneClock } from './wall-time.js';

export { readFatBootSector, type FatGeometry, type FatKind } from './boot-sector.js';
export { ZoneClock, fatWallTime } from './wall-time.js';

/** How to read a FAT volume. */
export interface FatVolumeOptions {
  /** IANA zone the FAT's local timestamps are read in (DECISIONS §9: the station's; e.g. 'UTC'). */
  readonly timeZone: string;
}

function mountError(source: BlockSource, code: string, message: string, cause?: unknown): DeviceReadError {
  return new DeviceReadError({
    code,
    operation: 'mount',
    path: source.name,
    scope: 'device',
    message,
    cause,
  });
}

async function readBootSector(source: BlockSource): Promise<FatGeometry> {
  if (source.size < BOOT_SECTOR_BYTES) {
    throw mountError(source, 'EBADFS', `${source.name}: ${source.size} bytes, too small for a FAT volume`);
  }
  const boot = Buffer.alloc(BOOT_SECTOR_BYTES);
  try {
    await source.read(boot, 0, BOOT_SECTOR_BYTES, 0);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EIO';
    throw mountError(source, code, `${source.name}: the boot sector cannot be read (${code})`, err);
  }
  const geometry = readFatBootSector(boot, source.name);
  if (geometry.volumeSize > source.size) {
    throw mountError(
      source,
      'ETRUNCATED',
      `${source.name}: the FAT volume declares ${geometry.volumeSize} bytes but the source holds only ` +
        `${source.size}: a truncated image or partition`,
    );
  }
  return geometry;
}

/**
 * Opens a FAT12, FAT16 or FAT32 volume for reading (the width comes from the cluster count).
 * Reads the boot sector and the root directory; timestamps are read as wall time in
 * `options.timeZone`. Throws DeviceReadError (scope `device`, operation `mount`): `EBADFS` when
 * the boot sector is not a valid FAT, `ETRUNCATED` when the volume is bigger than the source,
 * the errno when the boot sector or root directory cannot be read. Throws RangeError for an
 * unknown time zone. The source is not closed on failure; the reader's close() closes it.
 */
export async function openFatVolume(source: BlockSource, options: FatVolumeOptions): Promise<DeviceReader> {
  const clock = new ZoneClock(options.timeZone);
  const geometry = await readBootSector(source);
  const table = new FatTable(source, geometry);
  const directories = new DirectoryReader(source, geometry, table, clock);
  let root: DirectoryListing;
  try {
    root = await directories.list(ROOT, '');
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: string }).code ?? 'EIO';
    throw mountError(source, code, `${source.name}: the root directory cannot be read: ${detail}`, err);
  }
  const label = root.label ?? geometry.bpbLabel;
  const readAhead = new ReadAhead(source);
  return new FatVolume({ source, geometry, table, directories, readAhead, root, label });
}
