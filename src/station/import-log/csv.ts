// RFC 4180 for the import log: fields joined by commas, records ended by CRLF, a field quoted
// (and its quotes doubled) when it holds a quote, a comma, CR or LF, or starts or ends with a
// space (which many readers would otherwise trim).

const NEEDS_QUOTES = /[",\r\n]|^ | $/;

/** One field, quoted when it has to be. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record with its CRLF terminator. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Records read from CSV text. `complete` is how many characters of the text they cover. */
export interface CsvScan {
  records: string[][];
  /** Characters up to and including the last record's line end: what a resumed writer keeps. */
  complete: number;
  /** Text after the last complete record (a torn last line), or '' when there is none. */
  tail: string;
}

/** Thrown for text that is not CSV (a quote inside an unquoted field, text after a closing quote). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at character ${offset}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Parser state between characters. */
interface ScanState {
  records: string[][];
  fields: string[];
  field: string;
  /** At the start of a field: an opening quote is allowed here. */
  fieldStart: boolean;
  inQuotes: boolean;
  /** Just after a closing quote: only a comma or a line end may follow. */
  afterQuote: boolean;
  complete: number;
}

/**
 * Splits CSV text into records. A record ends at CRLF (or a bare LF) outside quotes; line breaks
 * inside quoted fields belong to the field. Text after the last line end is not a record: it is
 * returned as `tail` (a row torn by a crash; a prefix of a valid row never raises an error).
 * Throws CsvSyntaxError on malformed quoting within complete records.
 */
export function scanCsv(text: string): CsvScan {
  const st: ScanState = {
    records: [],
    fields: [],
    field: '',
    fieldStart: true,
    inQuotes: false,
    afterQuote: false,
    complete: 0,
  };
  let i = 0;
  while (i < text.length) {
    const step = st.inQuotes ? quotedStep(st, text, i) : plainStep(st, text, i);
    if (typeof step === 'string') {
      if (text.indexOf('\n', i) === -1) break; // the problem is in the torn tail
      throw new CsvSyntaxError(step, i);
    }
    i += step;
  }
  return { records: st.records, complete: st.complete, tail: text.slice(st.complete) };
}

/** Consumes characters inside quotes; returns how many. */
function quotedStep(st: ScanState, text: string, i: number): number {
  if (text[i] !== '"') {
    st.field += text[i];
    return 1;
  }
  if (text[i + 1] === '"') {
    st.field += '"';
    return 2;
  }
  st.inQuotes = false;
  st.afterQuote = true;
  return 1;
}

/** Consumes characters outside quotes; returns how many, or what is wrong. */
function plainStep(st: ScanState, text: string, i: number): number | string {
  const c = text[i];
  if (c === ',') {
    st.fields.push(st.field);
    Object.assign(st, { field: '', fieldStart: true, afterQuote: false });
    return 1;
  }
  if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
    const length = c === '\r' ? 2 : 1;
    st.fields.push(st.field);
    st.records.push(st.fields);
    Object.assign(st, { fields: [], field: '', fieldStart: true, afterQuote: false, complete: i + length });
    return length;
  }
  if (st.afterQuote) return 'text after a closing quote';
  if (c === '"') {
    if (!st.fieldStart) return 'a quote inside an unquoted field';
    Object.assign(st, { inQuotes: true, fieldStart: false });
    return 1;
  }
  st.field += c;
  st.fieldStart = false;
  return 1;
}
