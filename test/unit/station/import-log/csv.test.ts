import { describe, expect, it } from 'vitest';
import {
  csvField,
  csvRecord,
  CsvSyntaxError,
  formatImportLogRow,
  IMPORT_LOG_HEADER,
  ImportLogFormatError,
  parseImportLog,
  scanCsv,
  type ImportLogRow,
} from '../../../../src/station/import-log/index.js';

const HOSTILE = [
  'plain.txt',
  'comma,name.txt',
  'quote"d.txt',
  '"fully quoted"',
  'line\nbreak.txt',
  'cr\rlf\r\n.txt',
  ' leading space',
  'trailing space ',
  'café/日本語/😀.txt',
  '',
  ',,,',
  '""',
  'tab\there',
  '=HYPERLINK("x")',
];

function row(file: string, extra: Partial<ImportLogRow> = {}): ImportLogRow {
  return {
    dateTime: '2026-11-23T10:15:00.000Z',
    file,
    status: 200,
    code: 'OK',
    key: `photos/${file}`,
    md5: 'f60fe317a0a3c4a2dc6e1b37bc0c4a59',
    bytes: 13,
    contentType: 'text/plain',
    ...extra,
  };
}

describe('RFC 4180 writing', () => {
  it('quotes only fields that need it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(' pad')).toBe('" pad"');
    expect(csvField('pad ')).toBe('"pad "');
    expect(csvField('in side')).toBe('in side');
    expect(csvField('日本語')).toBe('日本語');
  });

  it('ends every record, the header too, with CRLF', () => {
    expect(IMPORT_LOG_HEADER).toBe('DateTime,File,Status,Code,Key,MD5,Bytes,Content-Type\r\n');
    expect(csvRecord(['a', '', 'c'])).toBe('a,,c\r\n');
    expect(formatImportLogRow(row('x', { key: '', md5: '', bytes: null, contentType: '' }))).toBe(
      '2026-11-23T10:15:00.000Z,x,200,OK,,,,\r\n',
    );
  });
});

describe('round trips', () => {
  it('parses back every hostile name exactly', () => {
    const rows = HOSTILE.map((name) => row(name));
    const text = IMPORT_LOG_HEADER + rows.map(formatImportLogRow).join('');
    expect(parseImportLog(text)).toEqual(rows);
  });

  it('round-trips each field position, not just File', () => {
    const odd = row('a', {
      code: 'Ignored',
      status: 103,
      key: 'b,"c"\n',
      md5: '',
      contentType: ' text/x; a="1,2" ',
    });
    expect(parseImportLog(IMPORT_LOG_HEADER + formatImportLogRow(odd))).toEqual([odd]);
  });

  it('reads LF-only line ends too', () => {
    const text = 'DateTime,File,Status,Code,Key,MD5,Bytes,Content-Type\nt,f,103,Ignored,,,90,text/plain\n';
    expect(parseImportLog(text)).toMatchObject([{ file: 'f', status: 103, bytes: 90 }]);
  });
});

describe('parse errors', () => {
  it('refuses a wrong header, a wrong field count and bad numbers', () => {
    expect(() => parseImportLog('File,Status\r\n')).toThrow(ImportLogFormatError);
    expect(() => parseImportLog('')).toThrow(/header/);
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}a,b,200\r\n`)).toThrow(/3 fields instead of 8/);
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}t,f,OK,OK,,,1,x\r\n`)).toThrow(/Status 'OK'/);
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}t,f,200,OK,,,-1,x\r\n`)).toThrow(/Bytes '-1'/);
  });

  it('refuses malformed quoting in complete records', () => {
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}t,a"b,200,OK,,,1,x\r\n`)).toThrow(/quote inside/);
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}t,"a"b,200,OK,,,1,x\r\n`)).toThrow(
      /after a closing quote/,
    );
    expect(() => scanCsv('"a"b\r\n')).toThrow(CsvSyntaxError);
  });

  it('refuses a torn last row', () => {
    expect(() => parseImportLog(`${IMPORT_LOG_HEADER}t,f,200,OK,,,1,x`)).toThrow(/torn/);
  });
});

describe('scanCsv and torn tails', () => {
  const full = IMPORT_LOG_HEADER + formatImportLogRow(row('multi\r\nline,"name"'));

  it('returns every prefix of a record as tail, never as a record or an error', () => {
    for (let cut = IMPORT_LOG_HEADER.length; cut < full.length; cut++) {
      const scan = scanCsv(full.slice(0, cut));
      expect(scan.records).toHaveLength(1);
      expect(scan.complete).toBe(IMPORT_LOG_HEADER.length);
      expect(scan.tail).toBe(full.slice(IMPORT_LOG_HEADER.length, cut));
    }
    expect(scanCsv(full)).toMatchObject({ complete: full.length, tail: '' });
  });
});
