import { DeviceReadError } from '../port.js';
import { decodeCp437 } from './cp437.js';

/** The three FAT widths; the width follows from the cluster count, never from the "FAT32" text. */
export type FatKind = 'FAT12' | 'FAT16' | 'FAT32';

/** Where everything of a FAT volume lives, in bytes from the start of the volume. */
export interface FatGeometry {
  readonly kind: FatKind;
  /** Bits per FAT entry: 12, 16 or 32 (of which FAT32 uses the low 28). */
  readonly entryBits: 12 | 16 | 32;
  readonly bytesPerSector: number;
  readonly clusterSize: number;
  /** Byte offset of FAT #1, and the size of one FAT copy. */
  readonly fatOffset: number;
  readonly fatSize: number;
  /** FAT copies to read, in order of preference (only the active one when mirroring is off). */
  readonly fatCopies: readonly number[];
  /** FAT12/16: the fixed root directory region. Zero size on FAT32. */
  readonly rootDirOffset: number;
  readonly rootDirSize: number;
  /** FAT32: first cluster of the root directory; 0 on FAT12/16. */
  readonly rootCluster: number;
  /** Byte offset of cluster 2. */
  readonly dataOffset: number;
  readonly clusterCount: number;
  /** Highest cluster number a chain may point to (bounded by both the data area and the FAT). */
  readonly maxCluster: number;
  /** FAT entry values at or above this end a chain. */
  readonly endOfChain: number;
  /** Bytes the BPB says the volume holds. */
  readonly volumeSize: number;
  /** The label in the BPB (null when absent or "NO NAME"); the root's label entry wins over it. */
  readonly bpbLabel: string | null;
}

/** Bytes of the boot sector that readFatBootSector needs. */
export const BOOT_SECTOR_BYTES = 512;

const FAT12_MAX_CLUSTERS = 4085;
const FAT16_MAX_CLUSTERS = 65525;

function invalid(name: string, why: string): DeviceReadError {
  return new DeviceReadError({
    code: 'EBADFS',
    operation: 'mount',
    path: name,
    scope: 'device',
    message: `${name || 'volume'}: not a valid FAT volume: ${why}`,
  });
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

function readLabel(boot: Buffer, signatureAt: number): string | null {
  if (boot[signatureAt] !== 0x29) return null; // no extended BPB: no label field
  const label = decodeCp437(boot.subarray(signatureAt + 5, signatureAt + 16)).replace(/[\s\0]+$/, '');
  return label === '' || label === 'NO NAME' ? null : label;
}

interface RawBpb {
  bytesPerSector: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  fatCount: number;
  rootEntries: number;
  totalSectors: number;
  fatSectors: number;
}

function readRawBpb(boot: Buffer, name: string): RawBpb {
  if (boot.length < BOOT_SECTOR_BYTES) throw invalid(name, 'shorter than one sector');
  const jump = (boot[0] === 0xeb && boot[2] === 0x90) || boot[0] === 0xe9;
  if (!jump) throw invalid(name, 'no x86 jump instruction at byte 0');
  if (boot[510] !== 0x55 || boot[511] !== 0xaa) throw invalid(name, 'no 55 AA signature at byte 510');
  const bpb: RawBpb = {
    bytesPerSector: boot.readUInt16LE(11),
    sectorsPerCluster: boot[13] ?? 0,
    reservedSectors: boot.readUInt16LE(14),
    fatCount: boot[16] ?? 0,
    rootEntries: boot.readUInt16LE(17),
    totalSectors: boot.readUInt16LE(19) || boot.readUInt32LE(32),
    fatSectors: boot.readUInt16LE(22) || boot.readUInt32LE(36),
  };
  if (![512, 1024, 2048, 4096].includes(bpb.bytesPerSector)) {
    throw invalid(name, `bytes per sector ${bpb.bytesPerSector}`);
  }
  if (!isPowerOfTwo(bpb.sectorsPerCluster))
    throw invalid(name, `sectors per cluster ${bpb.sectorsPerCluster}`);
  if (bpb.reservedSectors < 1) throw invalid(name, 'no reserved sectors');
  if (bpb.fatCount < 1) throw invalid(name, 'no FAT copies');
  if (bpb.totalSectors === 0 || bpb.fatSectors === 0) throw invalid(name, 'zero total or FAT sectors');
  return bpb;
}

/** FAT copies in preference order: FAT32 with mirroring off names the only valid one. */
function fatCopyOrder(boot: Buffer, kind: FatKind, fatCount: number, name: string): number[] {
  const all = Array.from({ length: fatCount }, (_, i) => i);
  if (kind !== 'FAT32') return all;
  const flags = boot.readUInt16LE(40);
  if ((flags & 0x80) === 0) return all;
  const active = flags & 0x0f;
  if (active >= fatCount) throw invalid(name, `active FAT ${active} of ${fatCount}`);
  return [active];
}

/**
 * Parses and checks a FAT boot sector (the first 512 bytes of the volume). The width (FAT12,
 * FAT16, FAT32) comes from the cluster count. Throws DeviceReadError (scope `device`, operation
 * `mount`, code `EBADFS`) when the bytes are not a consistent FAT boot sector; `name` goes in
 * the error. It does not check the volume against the size of its source: openFatVolume does.
 */
export function readFatBootSector(boot: Buffer, name = ''): FatGeometry {
  const bpb = readRawBpb(boot, name);
  const { bytesPerSector, sectorsPerCluster, reservedSectors, fatCount, rootEntries, fatSectors } = bpb;
  const rootDirSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const firstDataSector = reservedSectors + fatCount * fatSectors + rootDirSectors;
  if (firstDataSector >= bpb.totalSectors) throw invalid(name, 'no room for a data area');
  const clusterCount = Math.floor((bpb.totalSectors - firstDataSector) / sectorsPerCluster);
  const kind: FatKind =
    clusterCount < FAT12_MAX_CLUSTERS ? 'FAT12' : clusterCount < FAT16_MAX_CLUSTERS ? 'FAT16' : 'FAT32';
  const entryBits = kind === 'FAT12' ? 12 : kind === 'FAT16' ? 16 : 32;
  const fatSize = fatSectors * bytesPerSector;
  const fatEntries = Math.floor((fatSize * 8) / entryBits);
  const maxCluster = Math.min(clusterCount + 1, fatEntries - 1);
  if (maxCluster < 2) throw invalid(name, 'the FAT holds no cluster');
  let rootCluster = 0;
  if (kind === 'FAT32') {
    if (rootEntries !== 0) throw invalid(name, `${clusterCount} clusters (FAT32) but a fixed root directory`);
    rootCluster = boot.readUInt32LE(44) & 0x0fffffff;
    if (rootCluster < 2 || rootCluster > maxCluster) throw invalid(name, `root cluster ${rootCluster}`);
  } else if (rootEntries === 0) {
    throw invalid(
      name,
      `a FAT32 layout with only ${clusterCount} clusters (FAT32 needs ${FAT16_MAX_CLUSTERS})`,
    );
  }
  return {
    kind,
    entryBits,
    bytesPerSector,
    clusterSize: sectorsPerCluster * bytesPerSector,
    fatOffset: reservedSectors * bytesPerSector,
    fatSize,
    fatCopies: fatCopyOrder(boot, kind, fatCount, name),
    rootDirOffset: (reservedSectors + fatCount * fatSectors) * bytesPerSector,
    rootDirSize: rootDirSectors * bytesPerSector,
    rootCluster,
    dataOffset: firstDataSector * bytesPerSector,
    clusterCount,
    maxCluster,
    endOfChain: kind === 'FAT12' ? 0xff8 : kind === 'FAT16' ? 0xfff8 : 0x0ffffff8,
    volumeSize: bpb.totalSectors * bytesPerSector,
    bpbLabel: readLabel(boot, kind === 'FAT32' ? 66 : 38),
  };
}

/** Byte offset on the volume of a data cluster (2 ≤ cluster ≤ maxCluster). */
export function clusterOffset(geometry: FatGeometry, cluster: number): number {
  return geometry.dataOffset + (cluster - 2) * geometry.clusterSize;
}
