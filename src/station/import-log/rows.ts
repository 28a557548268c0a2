import { csvRecord, CsvSyntaxError, scanCsv } from './csv.js';

// The import log's rows (DECISIONS §6): one per file, eight columns, RFC 4180, CRLF line ends,
// UTF-8 without a byte-order mark.

/** The column names, in order. */
export const IMPORT_LOG_COLUMNS = [
  'DateTime',
  'File',
  'Status',
  'Code',
  'Key',
  'MD5',
  'Bytes',
  'Content-Type',
] as const;

/** The header record, with its CRLF. */
export const IMPORT_LOG_HEADER = csvRecord(IMPORT_LOG_COLUMNS);

/** One row of the import log. */
export interface ImportLogRow {
  /** When the file was processed: ISO-8601 UTC (`2026-11-23T10:15:00.000Z`). */
  dateTime: string;
  /** The path on the device, `/`-separated, as the reader gave it. */
  file: string;
  /** 200, 103, 508, or the HTTP status of the storage's error. */
  status: number;
  /** The catalog code: OK, Ignored, ReadError, InvalidSubstitution, KeyTooLong, AccessDenied... */
  code: string;
  /** `bucket/key` as in the original service's rows (`myawsbucket/Notice.txt`); '' when there is none. */
  key: string;
  /** Hex MD5 of the file's bytes; '' when they were not read. */
  md5: string;
  /** The file's size; null when unknown (a directory that could not be listed). */
  bytes: number | null;
  /** The Content-Type it was (or would have been) stored with; '' when there is none. */
  contentType: string;
}

/** A log that cannot be read back: wrong header, a record without eight fields, bad numbers. */
export class ImportLogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportLogFormatError';
  }
}

/** The row as one CSV record, with its CRLF. */
export function formatImportLogRow(row: ImportLogRow): string {
  return csvRecord([
    row.dateTime,
    row.file,
    String(row.status),
    row.code,
    row.key,
    row.md5,
    row.bytes === null ? '' : String(row.bytes),
    row.contentType,
  ]);
}

/**
 * Parses a whole import log (header first). Throws ImportLogFormatError for a wrong header, a
 * record that does not have eight fields, a Status or Bytes that is not a whole number, malformed
 * quoting, or a last line without its line end (a torn log: resume it with ImportLogWriter.resume).
 */
export function parseImportLog(text: string): ImportLogRow[] {
  const { records, tail } = scanLog(text);
  if (tail !== '') throw new ImportLogFormatError('the last line of the log has no line end (a torn row)');
  return rowsOf(records);
}

/** Splits log text into records, mapping CSV syntax errors to ImportLogFormatError. */
export function scanLog(text: string): ReturnType<typeof scanCsv> {
  try {
    return scanCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new ImportLogFormatError(`the log is not valid CSV: ${err.message}`);
    throw err;
  }
}

/** The rows of already-scanned records; the first must be the header. */
export function rowsOf(records: readonly string[][]): ImportLogRow[] {
  const [header, ...rest] = records;
  if (!header || header.join(',') !== IMPORT_LOG_COLUMNS.join(',')) {
    throw new ImportLogFormatError(`the log must start with the header ${IMPORT_LOG_COLUMNS.join(',')}`);
  }
  return rest.map((fields, index) => rowOf(fields, index + 2));
}

function rowOf(fields: readonly string[], recordNumber: number): ImportLogRow {
  if (fields.length !== IMPORT_LOG_COLUMNS.length) {
    throw new ImportLogFormatError(`record ${recordNumber} has ${fields.length} fields instead of 8`);
  }
  const [dateTime, file, status, code, key, md5, bytes, contentType] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    dateTime,
    file,
    status: wholeNumber(status, 'Status', recordNumber),
    code,
    key,
    md5,
    bytes: bytes === '' ? null : wholeNumber(bytes, 'Bytes', recordNumber),
    contentType,
  };
}

function wholeNumber(text: string, column: string, recordNumber: number): number {
  if (!/^\d{1,16}$/.test(text)) {
    throw new ImportLogFormatError(`record ${recordNumber}: ${column} '${text}' is not a whole number`);
  }
  return Number(text);
}

/** Rows that count as errors (DECISIONS §2: status neither 200 nor 103). */
export function errorCount(rows: readonly Pick<ImportLogRow, 'status'>[]): number {
  return rows.filter((row) => isErrorStatus(row.status)).length;
}

/** True for a status that counts as an error. */
export function isErrorStatus(status: number): boolean {
  return status !== 200 && status !== 103;
}
