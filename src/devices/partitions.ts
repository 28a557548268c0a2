import type { BlockSource } from './block-source.js';

/** One partition: 1-based index as Linux numbers it (MBR logical partitions from 5). */
export interface Partition {
  readonly index: number;
  /** Byte offset and size on the device. */
  readonly start: number;
  readonly size: number;
  /** MBR type byte as hex (`0c`) or the GPT type GUID (lower case). */
  readonly type: string;
}

export interface PartitionTable {
  readonly scheme: 'mbr' | 'gpt';
  readonly partitions: readonly Partition[];
}

const SECTOR = 512;
const GPT_SIGNATURE = 'EFI PART';
const EXTENDED = new Set([0x05, 0x0f, 0x85]);
const PROTECTIVE = 0xee;
/** More logical partitions than any real disk has: the EBR chain loops. */
const MAX_LOGICAL = 128;
const MAX_GPT_ENTRIES = 1024;

async function readAt(source: BlockSource, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const n = await source.read(buffer, 0, length, position);
  return buffer.subarray(0, n);
}

function guid(b: Buffer, at: number): string {
  const hex = (from: number, to: number) => b.subarray(at + from, at + to).toString('hex');
  const le = (from: number, to: number) =>
    Buffer.from(b.subarray(at + from, at + to))
      .reverse()
      .toString('hex');
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`;
}

/** GPT at LBA 1 for 512-byte sectors, or at 4096 for 4Kn disks. */
async function readGpt(source: BlockSource): Promise<PartitionTable | null> {
  for (const sectorSize of [512, 4096]) {
    const header = await readAt(source, sectorSize, 92);
    if (header.length < 92 || header.toString('latin1', 0, 8) !== GPT_SIGNATURE) continue;
    const entryLba = Number(header.readBigUInt64LE(72));
    const count = Math.min(header.readUInt32LE(80), MAX_GPT_ENTRIES);
    const entrySize = header.readUInt32LE(84);
    if (entrySize < 128) return { scheme: 'gpt', partitions: [] };
    const entries = await readAt(source, entryLba * sectorSize, count * entrySize);
    const partitions: Partition[] = [];
    for (let i = 0; (i + 1) * entrySize <= entries.length; i++) {
      const at = i * entrySize;
      const type = guid(entries, at);
      if (type === '00000000-0000-0000-0000-000000000000') continue;
      const first = Number(entries.readBigUInt64LE(at + 32));
      const last = Number(entries.readBigUInt64LE(at + 40));
      if (last < first) continue;
      partitions.push({
        index: i + 1,
        start: first * sectorSize,
        size: (last - first + 1) * sectorSize,
        type,
      });
    }
    return { scheme: 'gpt', partitions };
  }
  return null;
}

interface MbrEntry {
  type: number;
  lba: number;
  sectors: number;
}

function mbrEntries(sector: Buffer): MbrEntry[] {
  const entries: MbrEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 446 + i * 16;
    entries.push({
      type: sector[at + 4] ?? 0,
      lba: sector.readUInt32LE(at + 8),
      sectors: sector.readUInt32LE(at + 12),
    });
  }
  return entries;
}

/** Walks an extended partition's EBR chain; each EBR's data entry is relative to that EBR. */
async function logicalPartitions(source: BlockSource, extendedLba: number): Promise<Partition[]> {
  const found: Partition[] = [];
  const seen = new Set<number>();
  let ebrLba = extendedLba;
  while (found.length < MAX_LOGICAL && !seen.has(ebrLba)) {
    seen.add(ebrLba);
    const sector = await readAt(source, ebrLba * SECTOR, SECTOR);
    if (sector.length < SECTOR || sector[510] !== 0x55 || sector[511] !== 0xaa) break;
    const [data, next] = mbrEntries(sector);
    if (data && data.type !== 0 && data.sectors > 0) {
      found.push({
        index: 5 + found.length,
        start: (ebrLba + data.lba) * SECTOR,
        size: data.sectors * SECTOR,
        type: hexType(data.type),
      });
    }
    if (!next || next.type === 0 || next.lba === 0) break;
    ebrLba = extendedLba + next.lba;
  }
  return found;
}

const hexType = (type: number) => type.toString(16).padStart(2, '0');

/**
 * The device's partition table: GPT (also behind a protective MBR), or MBR with its logical
 * partitions; null when there is none. Call it only after the start of the device was found not
 * to hold a file system itself (an unpartitioned FAT or NTFS volume also ends in 55 AA).
 * Read failures are thrown as they come (DeviceReadError).
 */
export async function readPartitionTable(source: BlockSource): Promise<PartitionTable | null> {
  const mbr = await readAt(source, 0, SECTOR);
  const gpt = await readGpt(source);
  if (gpt) return gpt;
  if (mbr.length < SECTOR || mbr[510] !== 0x55 || mbr[511] !== 0xaa) return null;
  const entries = mbrEntries(mbr);
  if (entries.some((e) => e.type === PROTECTIVE)) return { scheme: 'mbr', partitions: [] };
  const partitions: Partition[] = [];
  for (const [i, entry] of entries.entries()) {
    if (entry.type === 0 || entry.sectors === 0) continue;
    if (EXTENDED.has(entry.type)) partitions.push(...(await logicalPartitions(source, entry.lba)));
    else
      partitions.push({
        index: i + 1,
        start: entry.lba * SECTOR,
        size: entry.sectors * SECTOR,
        type: hexType(entry.type),
      });
  }
  return { scheme: 'mbr', partitions: partitions.sort((a, b) => a.index - b.index) };
}
