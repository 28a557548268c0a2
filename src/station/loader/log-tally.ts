import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { isErrorStatus, scanCsv } from '../import-log/index.js';
import type { LoadCheckpoint } from '../port.js';

// The figures of an import log already on disk (a resumed load starts from them): rows, error
// rows, and the files and bytes stored (200 OK rows). Read in chunks, so a log of millions of rows
// never has to fit in one string. The log must end cleanly (ImportLogWriter.resume sees to it).

const CHUNK_BYTES = 4 * 1024 * 1024;

interface Tally {
  rows: number;
  files: number;
  bytes: number;
  errors: number;
}

/** Figures of the complete rows of the log at `path` (header excluded). Fs and CSV syntax errors. */
export async function tallyLog(path: string): Promise<Omit<LoadCheckpoint, 'logBytes'>> {
  const tally: Tally = { rows: 0, files: 0, bytes: 0, errors: 0 };
  const handle = await open(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let carry = '';
    let header = true;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const { records, tail } = scanCsv(carry + decoder.write(buffer.subarray(0, bytesRead)));
      carry = tail;
      for (const fields of records) {
        if (header) {
          header = false;
          continue;
        }
        count(tally, fields);
      }
    }
  } finally {
    await handle.close();
  }
  return tally;
}

function count(tally: Tally, fields: readonly string[]): void {
  const status = Number(fields[2]);
  tally.rows += 1;
  if (isErrorStatus(status)) tally.errors += 1;
  if (status === 200) {
    tally.files += 1;
    tally.bytes += Number(fields[6] ?? 0) || 0;
  }
}
