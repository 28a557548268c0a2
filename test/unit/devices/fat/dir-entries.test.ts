import { describe, expect, test } from 'vitest';
import { CP437_HIGH, decodeCp437 } from '../../../../src/devices/fat/cp437.js';
import { DirectoryParser, shortNameChecksum } from '../../../../src/devices/fat/dir-entries.js';

// Hand-made directory records: every rule of the parser, one record at a time.

interface ShortOptions {
  attr?: number;
  caseFlags?: number;
  cluster?: number;
  size?: number;
}

/** An 8.3 record; `raw` is the 11 stored name bytes (a string is latin1). */
function short(raw: string | number[], options: ShortOptions = {}): Buffer {
  const record = Buffer.alloc(32);
  Buffer.from(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw).copy(record, 0, 0, 11);
  record[11] = options.attr ?? 0x20;
  record[12] = options.caseFlags ?? 0;
  const cluster = options.cluster ?? 0;
  record.writeUInt16LE(cluster >>> 16, 20);
  record.writeUInt16LE(0x6000, 22); // 12:00:00
  record.writeUInt16LE((41 << 9) | (7 << 5) | 14, 24); // 2021-07-14
  record.writeUInt16LE(cluster & 0xffff, 26);
  record.writeUInt32LE(options.size ?? 0, 28);
  return record;
}

/** The long-name records for `name` before the 8.3 record `shortRecord`, in disk order. */
function longName(name: string, shortRecord: Buffer, checksum = shortNameChecksum(shortRecord)): Buffer[] {
  const units = Array.from({ length: Math.ceil((name.length + 1) / 13) * 13 }, (_, i) =>
    i < name.length ? name.charCodeAt(i) : i === name.length ? 0 : 0xffff,
  );
  const count = units.length / 13;
  const offsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
  const records: Buffer[] = [];
  for (let ordinal = count; ordinal >= 1; ordinal--) {
    const record = Buffer.alloc(32);
    record[0] = ordinal | (ordinal === count ? 0x40 : 0);
    record[11] = 0x0f;
    record[13] = checksum;
    offsets.forEach((offset, i) => record.writeUInt16LE(units[(ordinal - 1) * 13 + i] ?? 0, offset));
    records.push(record);
  }
  return records;
}

function parse(records: Buffer[], fat32 = true): DirectoryParser {
  const parser = new DirectoryParser(fat32);
  parser.feed(Buffer.concat(records));
  return parser;
}

const names = (parser: DirectoryParser) => parser.entries.map((e) => e.name);

describe('long names', () => {
  test('a complete, matching long name wins, in UTF-16 with its case (CJK, accents, astral)', () => {
    const entries = ['Mixed Case Name.txt', 'café 日本語 notes.md', '😀 smile.bin'].flatMap((name, i) => {
      const record = short(`NAME${i}~1 TXT`, { size: 5, cluster: 10 + i });
      return [...longName(name, record), record];
    });
    const parser = parse(entries);
    expect(names(parser)).toEqual(['Mixed Case Name.txt', 'café 日本語 notes.md', '😀 smile.bin']);
    expect(parser.entries.map((e) => e.shortName)).toEqual(['NAME0~1.TXT', 'NAME1~1.TXT', 'NAME2~1.TXT']);
    expect(parser.entries.every((e) => !e.invalidName)).toBe(true);
  });

  test('a checksum mismatch, a missing part or an orphan part falls back to the 8.3 name', () => {
    const a = short('ALPHA~1 TXT');
    const b = short('BRAVO~1 TXT');
    const c = short('CHARLI~1TXT');
    const d = short('DELTA~1 TXT');
    const longB = longName('a name long enough for two parts', b);
    const parser = parse([
      ...longName('alpha long name', a, shortNameChecksum(a) ^ 1),
      a,
      longB[0] as Buffer, // the first part is missing its second
      b,
      longB[1] as Buffer, // an orphan last part with no start
      c,
      ...longName('delta long name', d).map((r, i) => (i === 0 ? Buffer.from([0xe5, ...r.subarray(1)]) : r)),
      d,
    ]);
    expect(names(parser)).toEqual(['ALPHA~1.TXT', 'BRAVO~1.TXT', 'CHARLI~1.TXT', 'DELTA~1.TXT']);
  });

  test('a long name split across two feeds is kept', () => {
    const record = short('SPLIT~1 TXT');
    const parts = longName('split across clusters.txt', record);
    const parser = new DirectoryParser(true);
    parser.feed(Buffer.concat(parts.slice(0, 1)));
    parser.feed(Buffer.concat([...parts.slice(1), record]));
    expect(names(parser)).toEqual(['split across clusters.txt']);
  });

  test('unpaired surrogates and slashes become U+FFFD and mark the name invalid', () => {
    const a = short('BAD~1   TXT');
    const b = short('SLASH~1 TXT');
    const parser = parse([...longName('bad\ud800name', a), a, ...longName('a/b', b), b]);
    expect(names(parser)).toEqual(['bad\ufffdname', 'a\ufffdb']);
    expect(parser.entries.map((e) => e.invalidName)).toEqual([true, true]);
  });
});

describe('8.3 names', () => {
  test('the NT lower-case flags apply to the base (0x08) and the extension (0x10)', () => {
    const parser = parse([
      short('README  TXT', { caseFlags: 0x08 }),
      short('README  TXT', { caseFlags: 0x10 }),
      short('README  TXT', { caseFlags: 0x18 }),
      short('BIG        ', { caseFlags: 0x18 }),
      short('UPPER   TXT'),
    ]);
    expect(names(parser)).toEqual(['readme.TXT', 'README.txt', 'readme.txt', 'big', 'UPPER.TXT']);
  });

  test('0x05 stands for a first byte 0xE5; bytes ≥ 0x80 are code page 437', () => {
    const parser = parse([
      short([0x05, 0x41, 0x42, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]),
      short([0x43, 0x41, 0x46, 0x90, 0x82, 0x20, 0x20, 0x20, 0x9b, 0x20, 0x20]),
    ]);
    expect(names(parser)).toEqual(['σAB', 'CAFÉé.¢']);
  });

  test('the CP437 table has 128 characters with the known landmarks', () => {
    expect([...CP437_HIGH]).toHaveLength(128);
    expect(decodeCp437(Uint8Array.from([0x80, 0x81, 0xa5, 0xb0, 0xe1, 0xff, 0x41]))).toBe('ÇüÑ░ß\u00a0A');
  });
});

describe('records that are not entries', () => {
  test('deleted entries, dot entries and the volume label are skipped; the label is kept', () => {
    const parser = parse([
      short('MYDISK     ', { attr: 0x08 }),
      short('.          ', { attr: 0x10, cluster: 5 }),
      short('..         ', { attr: 0x10 }),
      Buffer.from([0xe5, ...short('GONE    TXT').subarray(1)]),
      short('KEPT    TXT', { size: 3, cluster: 9 }),
    ]);
    expect(names(parser)).toEqual(['KEPT.TXT']);
    expect(parser.label).toBe('MYDISK');
  });

  test('a record starting with 0x00 ends the directory', () => {
    const parser = parse([short('FIRST   TXT'), Buffer.alloc(32), short('AFTER   TXT')]);
    expect(names(parser)).toEqual(['FIRST.TXT']);
    expect(parser.ended).toBe(true);
  });

  test('fields: directories have size 0; the high cluster word counts on FAT32 only', () => {
    const records = [
      short('DIR        ', { attr: 0x10, cluster: 0x12345, size: 99 }),
      short('F       BIN', { size: 70_000, cluster: 0x10003 }),
    ];
    const fat32 = parse(records).entries;
    expect(fat32.map((e) => [e.isDirectory, e.size, e.firstCluster])).toEqual([
      [true, 0, 0x12345],
      [false, 70_000, 0x10003],
    ]);
    expect(parse(records, false).entries.map((e) => e.firstCluster)).toEqual([0x2345, 0x0003]);
    expect(fat32[1]).toMatchObject({ date: (41 << 9) | (7 << 5) | 14, time: 0x6000 });
  });
});
