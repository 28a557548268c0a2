import type { BlockSource } from './block-source.js';
import type { FileSystemKind } from './port.js';

/** What the first bytes of a volume say it holds. */
export interface Detection {
  readonly kind: FileSystemKind;
  readonly label: string | null;
  /** The volume's size in bytes according to its own metadata, when it says. */
  readonly declaredSize: number | null;
  /** Feature names that decided the kind (ext4's extents, 64bit...), for the refusal message. */
  readonly features: readonly string[];
  /** ext3 whose journal needs recovery (it will not be replayed). */
  readonly needsRecovery: boolean;
}

/** Bytes read from the start of a volume: enough for every signature below (btrfs at 0x10040). */
export const PROBE_BYTES = 0x10040 + 8;

const ascii = (b: Buffer, at: number, len: number) => b.toString('latin1', at, at + len);
const trimLabel = (s: string) => s.replace(/\0+$/g, '').trim() || null;

function result(kind: FileSystemKind, extra: Partial<Detection> = {}): Detection {
  return { kind, label: null, declaredSize: null, features: [], needsRecovery: false, ...extra };
}

/** FAT BPB sanity (notes §4): jump, 55 AA, sector size, cluster size, reserved sectors, FATs. */
function fatDetection(b: Buffer): Detection | null {
  const jump = (b[0] === 0xeb && b[2] === 0x90) || b[0] === 0xe9;
  if (!jump || b[510] !== 0x55 || b[511] !== 0xaa) return null;
  const bytesPerSector = b.readUInt16LE(11);
  const sectorsPerCluster = b[13] ?? 0;
  const reserved = b.readUInt16LE(14);
  const fats = b[16] ?? 0;
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) return null;
  if (sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) return null;
  if (reserved < 1 || fats < 1) return null;
  const rootEntries = b.readUInt16LE(17);
  const totalSectors = b.readUInt16LE(19) || b.readUInt32LE(32);
  const fatSectors = b.readUInt16LE(22) || b.readUInt32LE(36);
  if (totalSectors === 0 || fatSectors === 0) return null;
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const dataSectors = totalSectors - reserved - fats * fatSectors - rootSectors;
  if (dataSectors <= 0) return null;
  const clusters = Math.floor(dataSectors / sectorsPerCluster);
  const kind: FileSystemKind = clusters < 4085 ? 'FAT12' : clusters < 65525 ? 'FAT16' : 'FAT32';
  const labelAt = kind === 'FAT32' ? 71 : 43;
  const label = trimLabel(ascii(b, labelAt, 11));
  return result(kind, {
    label: label === 'NO NAME' ? null : label,
    declaredSize: totalSectors * bytesPerSector,
  });
}

const EXT_COMPAT_HAS_JOURNAL = 0x4;
const EXT_INCOMPAT = { filetype: 0x2, needs_recovery: 0x4, journal_dev: 0x8, meta_bg: 0x10 };
const EXT_INCOMPAT_NAMES: Record<number, string> = {
  0x1: 'compression',
  0x40: 'extent',
  0x80: '64bit',
  0x100: 'mmp',
  0x200: 'flex_bg',
  0x400: 'ea_inode',
  0x1000: 'dirdata',
  0x2000: 'csum_seed',
  0x4000: 'largedir',
  0x8000: 'inline_data',
  0x10000: 'encrypt',
  0x20000: 'casefold',
};
const EXT_RO_COMPAT_NAMES: Record<number, string> = {
  0x8: 'huge_file',
  0x10: 'gdt_csum',
  0x20: 'dir_nlink',
  0x40: 'extra_isize',
  0x100: 'quota',
  0x200: 'bigalloc',
  0x400: 'metadata_csum',
  0x1000: 'readonly',
  0x2000: 'project',
  0x8000: 'verity',
};
const EXT2_INCOMPAT_OK = EXT_INCOMPAT.filetype | EXT_INCOMPAT.meta_bg;
const EXT3_INCOMPAT_OK = EXT2_INCOMPAT_OK | EXT_INCOMPAT.needs_recovery;
const EXT_RO_COMPAT_OK = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir

function namedBits(value: number, names: Record<number, string>): string[] {
  return Object.entries(names)
    .filter(([bit]) => (value & Number(bit)) !== 0)
    .map(([, name]) => name);
}

/** ext2 / ext3 / ext4 / jbd, by libblkid's (and the kernel's) feature rule (notes §4). */
function extDetection(b: Buffer): Detection | null {
  const sb = 1024;
  if (b.readUInt16LE(sb + 56) !== 0xef53) return null;
  const compat = b.readUInt32LE(sb + 0x5c);
  const incompat = b.readUInt32LE(sb + 0x60);
  const roCompat = b.readUInt32LE(sb + 0x64);
  const blockSize = 1024 * 2 ** b.readUInt32LE(sb + 24);
  const blocks = b.readUInt32LE(sb + 4) + (incompat & 0x80 ? b.readUInt32LE(sb + 0x150) * 2 ** 32 : 0);
  const label = trimLabel(b.toString('utf8', sb + 0x78, sb + 0x78 + 16));
  const base = { label, declaredSize: blocks * blockSize, needsRecovery: false };
  if (incompat & EXT_INCOMPAT.journal_dev) return result('jbd', base);
  const extraIncompat = incompat & ~EXT3_INCOMPAT_OK;
  const extraRo = roCompat & ~EXT_RO_COMPAT_OK;
  if (extraIncompat || extraRo) {
    const features = [
      ...namedBits(extraIncompat, EXT_INCOMPAT_NAMES),
      ...namedBits(extraRo, EXT_RO_COMPAT_NAMES),
    ];
    return result('ext4', {
      ...base,
      features,
      needsRecovery: (incompat & EXT_INCOMPAT.needs_recovery) !== 0,
    });
  }
  if (compat & EXT_COMPAT_HAS_JOURNAL) {
    return result('ext3', { ...base, needsRecovery: (incompat & EXT_INCOMPAT.needs_recovery) !== 0 });
  }
  if (incompat & ~EXT2_INCOMPAT_OK) return result('ext4', { ...base, features: ['needs_recovery'] });
  return result('ext2', base);
}

function ntfsDetection(b: Buffer): Detection {
  const bytesPerSector = b.readUInt16LE(11);
  const sectors = Number(b.readBigUInt64LE(40));
  return result('NTFS', { declaredSize: bytesPerSector > 0 ? (sectors + 1) * bytesPerSector : null });
}

/**
 * Names the file system of the volume starting at `offset` from its first PROBE_BYTES bytes
 * (notes §4). Never throws for content it does not know: that is `unknown`.
 */
export function detectFileSystem(b: Buffer): Detection {
  if (b.length < 4096) return result('unknown');
  const oem = ascii(b, 3, 8);
  if (oem === 'NTFS    ') return ntfsDetection(b);
  if (oem === 'EXFAT   ') return result('exFAT');
  if (oem === '-FVE-FS-') return result('BitLocker');
  if (ascii(b, 0, 6) === 'LUKS\xba\xbe') return result('LUKS');
  if (ascii(b, 0, 4) === 'XFSB') return result('XFS');
  const ext = extDetection(b);
  if (ext) return ext;
  const fat = fatDetection(b);
  if (fat) return fat;
  const hfs = b.readUInt16BE(1024);
  if (hfs === 0x482b || hfs === 0x4858) return result('HFS+');
  if (hfs === 0x4244) return result('HFS');
  if (b.length >= 0x8006 && ascii(b, 0x8001, 5) === 'CD001') return result('ISO9660');
  if (ascii(b, 32, 4) === 'NXSB') return result('APFS');
  if (b.readUInt32LE(1024) === 0xf2f52010) return result('F2FS');
  if (b.length >= PROBE_BYTES && ascii(b, 0x10040, 8) === '_BHRfS_M') return result('btrfs');
  return result('unknown');
}

/** Reads the probe bytes of the volume at `offset` of `source` and detects it. */
export async function detectVolume(source: BlockSource, offset: number): Promise<Detection> {
  const buffer = Buffer.alloc(PROBE_BYTES);
  const n = await source.read(buffer, 0, PROBE_BYTES, offset);
  return detectFileSystem(buffer.subarray(0, n));
}
