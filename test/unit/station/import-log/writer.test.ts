import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  errorCount,
  formatImportLogRow,
  IMPORT_LOG_HEADER,
  ImportLogFormatError,
  ImportLogWriter,
  parseImportLog,
  type ImportLogRow,
} from '../../../../src/station/import-log/index.js';

const dir = mkdtempSync(join(tmpdir(), 'longshore-import-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `import-log-${++counter}.csv`);

function row(file: string, status = 200, code = 'OK'): ImportLogRow {
  return {
    dateTime: '2026-11-23T10:15:00.000Z',
    file,
    status,
    code,
    key: status === 200 ? `photos/${file}` : '',
    md5: status === 200 ? 'd41d8cd98f00b204e9800998ecf8427e' : '',
    bytes: 0,
    contentType: 'text/plain',
  };
}

const read = (path: string) => readFileSync(path, 'utf8');

describe('ImportLogWriter', () => {
  it('writes the header and appends rows, reporting size and row count', async () => {
    const path = freshPath();
    const writer = await ImportLogWriter.create(path);
    expect(writer.size()).toBe(IMPORT_LOG_HEADER.length);
    await writer.append(row('a.txt'));
    await writer.appendAll([row('SIGNATURE', 103, 'Ignored'), row('bad', 508, 'ReadError')]);
    await writer.checkpoint();
    expect(writer.rowCount()).toBe(3);
    expect(writer.errorCount()).toBe(1);
    expect(writer.size()).toBe(statSync(path).size);
    expect(parseImportLog(read(path)).map((r) => r.file)).toEqual(['a.txt', 'SIGNATURE', 'bad']);
    await writer.close();
    await writer.close();
    await expect(writer.append(row('late'))).rejects.toThrow(/closed/);
  });

  it('refuses to start a log over an existing file', async () => {
    const path = freshPath();
    writeFileSync(path, 'something');
    await expect(ImportLogWriter.create(path)).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('never interleaves rows appended concurrently', async () => {
    const path = freshPath();
    const writer = await ImportLogWriter.create(path);
    const names = Array.from({ length: 200 }, (_, i) => `dir,${i}/"file"\r\n${'x'.repeat(i * 10)}`);
    await Promise.all(names.map((name) => writer.append(row(name))));
    await writer.close();
    expect(parseImportLog(read(path)).map((r) => r.file)).toEqual(names);
  });
});

describe('ImportLogWriter.resume', () => {
  async function logWith(rows: ImportLogRow[]): Promise<string> {
    const path = freshPath();
    const writer = await ImportLogWriter.create(path);
    await writer.appendAll(rows);
    await writer.close();
    return path;
  }

  it('starts a new log when there is none', async () => {
    const path = freshPath();
    const { writer, logged, truncatedBytes } = await ImportLogWriter.resume(path);
    expect([logged.size, truncatedBytes, writer.rowCount()]).toEqual([0, 0, 0]);
    await writer.close();
    expect(read(path)).toBe(IMPORT_LOG_HEADER);
  });

  it('keeps a clean log as it is and continues after it', async () => {
    const path = await logWith([row('a'), row('b', 400, 'KeyTooLong')]);
    const { writer, logged, truncatedBytes } = await ImportLogWriter.resume(path);
    expect([...logged]).toEqual(['a', 'b']);
    expect([truncatedBytes, writer.rowCount(), writer.errorCount()]).toEqual([0, 2, 1]);
    await writer.append(row('c'));
    await writer.close();
    expect(parseImportLog(read(path)).map((r) => r.file)).toEqual(['a', 'b', 'c']);
  });

  it('cuts a torn last row, even one torn inside a quoted line break', async () => {
    const torn = formatImportLogRow(row('weird\r\nname,"x".txt'));
    for (const cut of [1, torn.indexOf('\r\n') + 2, torn.length - 1]) {
      const path = await logWith([row('a'), row('café/日本.txt')]);
      const before = statSync(path).size;
      appendFileSync(path, torn.slice(0, cut));
      const { writer, logged, truncatedBytes } = await ImportLogWriter.resume(path);
      expect([...logged]).toEqual(['a', 'café/日本.txt']);
      expect(truncatedBytes).toBe(Buffer.byteLength(torn.slice(0, cut)));
      expect(statSync(path).size).toBe(before);
      await writer.append(row('weird\r\nname,"x".txt'));
      await writer.close();
      const rows = parseImportLog(read(path));
      expect(rows.map((r) => r.file)).toEqual(['a', 'café/日本.txt', 'weird\r\nname,"x".txt']);
      expect(errorCount(rows)).toBe(0);
    }
  });

  it('cuts a row torn in the middle of a multi-byte character', async () => {
    const path = await logWith([row('a')]);
    const bytes = Buffer.from(formatImportLogRow(row('日本')));
    appendFileSync(path, bytes.subarray(0, bytes.indexOf(Buffer.from('日')) + 1));
    const { writer, logged } = await ImportLogWriter.resume(path);
    await writer.close();
    expect([...logged]).toEqual(['a']);
    expect(parseImportLog(read(path))).toHaveLength(1);
  });

  it('rewrites a torn or missing header', async () => {
    for (const start of ['', 'DateTime,Fi']) {
      const path = freshPath();
      writeFileSync(path, start);
      const { writer, logged } = await ImportLogWriter.resume(path);
      await writer.append(row('a'));
      await writer.close();
      expect(logged.size).toBe(0);
      expect(read(path)).toBe(IMPORT_LOG_HEADER + formatImportLogRow(row('a')));
    }
  });

  it('refuses a file that is not an import log and leaves it alone', async () => {
    const path = freshPath();
    writeFileSync(path, 'name,size\r\nx,1\r\ntorn');
    await expect(ImportLogWriter.resume(path)).rejects.toThrow(ImportLogFormatError);
    expect(read(path)).toBe('name,size\r\nx,1\r\ntorn');
    const other = freshPath();
    writeFileSync(other, 'no line end at all');
    await expect(ImportLogWriter.resume(other)).rejects.toThrow(/not an import log/);
    expect(read(other)).toBe('no line end at all');
  });

  it('reads a log larger than its 4 MiB chunks', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => row(`folder ${i % 97}/file "${i}",日本.bin`));
    const path = await logWith(rows);
    expect(statSync(path).size).toBeGreaterThan(4 * 1024 * 1024);
    const torn = '2026-11-23T10:15:00.000Z,"torn';
    appendFileSync(path, torn);
    const { writer, logged, truncatedBytes } = await ImportLogWriter.resume(path);
    expect(logged.size).toBe(30_000);
    expect(truncatedBytes).toBe(torn.length);
    expect(writer.rowCount()).toBe(30_000);
    expect(writer.size()).toBe(statSync(path).size);
    await writer.close();
  });
});
