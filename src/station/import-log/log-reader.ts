import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import {
  IMPORT_LOG_COLUMNS,
  IMPORT_LOG_HEADER,
  ImportLogFormatError,
  isErrorStatus,
  rowsOf,
  scanLog,
} from './rows.js';

// Reads an import log on disk in chunks, so a log of millions of rows never has to fit in one
// string: what a resumed load needs (which files have a row, the counts, where the complete rows
// end) without keeping the rows themselves.

const CHUNK_BYTES = 4 * 1024 * 1024;

/** What an import log on disk holds, up to its last complete row. */
export interface LogContents {
  /** The File column of every complete row. */
  logged: Set<string>;
  rowCount: number;
  errorCount: number;
  /** Bytes of the header and the complete rows: everything after them is a torn row. */
  completeBytes: number;
  /** The file's size as read. */
  fileBytes: number;
  /** True when a complete header was found (else the file holds at most a torn header). */
  hasHeader: boolean;
}

/**
 * Scans the log at `path`. Throws ImportLogFormatError when a complete record is malformed, the
 * header is wrong, or a file without a complete record is not the start of a header; and the file
 * system's error (ENOENT...) when it cannot be read.
 */
export async function readCompleteLog(path: string): Promise<LogContents> {
  const contents: LogContents = {
    logged: new Set(),
    rowCount: 0,
    errorCount: 0,
    completeBytes: 0,
    fileBytes: 0,
    hasHeader: false,
  };
  const handle = await open(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let carry = '';
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      contents.fileBytes += bytesRead;
      carry = absorb(contents, carry + decoder.write(buffer.subarray(0, bytesRead)));
    }
    // Without a complete header, the file may only be a header torn by a crash.
    if (!contents.hasHeader && !IMPORT_LOG_HEADER.startsWith(carry)) {
      throw new ImportLogFormatError('the file is not an import log: it does not start with its header');
    }
  } finally {
    await handle.close();
  }
  return contents;
}

/** Takes the complete records of `text` into `contents`; returns the unfinished rest. */
function absorb(contents: LogContents, text: string): string {
  const { records, complete, tail } = scanLog(text);
  if (records.length === 0) return tail;
  const withHeader = contents.hasHeader ? [[...IMPORT_LOG_COLUMNS], ...records] : records;
  const rows = rowsOf(withHeader); // checks the header on the first chunk, the fields everywhere
  contents.hasHeader = true;
  for (const row of rows) {
    contents.logged.add(row.file);
    contents.rowCount += 1;
    if (isErrorStatus(row.status)) contents.errorCount += 1;
  }
  contents.completeBytes += Buffer.byteLength(text.slice(0, complete), 'utf8');
  return tail;
}
