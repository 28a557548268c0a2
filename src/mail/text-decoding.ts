/** A decoded attachment: its text (no BOM) and the charset it was read as. */
export interface DecodedText {
  text: string;
  charset: string;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** WHATWG label for a declared MIME charset, or null when TextDecoder does not know it. */
function decoderLabel(charset: string): string | null {
  const label = charset
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  // utf-16 without a BOM is guessed below; "us-ascii" on bytes above 0x7F is a mislabel, mostly of UTF-8
  if (label === '' || label === 'utf-16' || label === 'us-ascii' || label === 'ascii') return null;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** UTF-16 without a BOM shows up as NUL in every other byte of ASCII text: which half says LE or BE. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = Math.min(bytes.length, 4096) & ~1;
  if (sample < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = sample / 2;
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Windows-1252's 0x80-0x9F (WHATWG index; undefined bytes map to the C1 control of that value). */
const CP1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

/** Node 20's TextDecoder reads windows-1252 (and its aliases latin1, iso-8859-1) as ISO-8859-1: done by hand. */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}

function decode(bytes: Uint8Array, encoding: string, fatal = false): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding, { fatal, ignoreBOM: false }).decode(bytes);
}

/**
 * Bytes of a text attachment as a string: a BOM decides first (UTF-8, UTF-16 LE/BE), then the
 * declared charset (any the WHATWG decoder knows, e.g. windows-1252), then UTF-16 when the bytes look
 * like it (NUL in every other byte), UTF-8 when they are valid UTF-8, and windows-1252 otherwise.
 */
export function decodeTextBytes(bytes: Uint8Array, declaredCharset?: string | null): DecodedText {
  if (startsWith(bytes, UTF8_BOM)) return { text: decode(bytes, 'utf-8'), charset: 'utf-8' };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: decode(bytes, 'utf-16le'), charset: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: decode(bytes, 'utf-16be'), charset: 'utf-16be' };
  const declared = declaredCharset ? decoderLabel(declaredCharset) : null;
  if (declared && declared !== 'utf-8') return { text: decode(bytes, declared), charset: declared };
  const utf16 = guessUtf16(bytes);
  if (utf16) return { text: decode(bytes, utf16), charset: utf16 };
  try {
    return { text: decode(bytes, 'utf-8', true), charset: 'utf-8' };
  } catch {
    // not UTF-8, whatever was declared
  }
  return { text: decode(bytes, 'windows-1252'), charset: 'windows-1252' };
}

/**
 * True when decoded text looks like a binary file: a NUL, or more than 1% control characters other
 * than tab, line feed, carriage return and form feed.
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) control++;
  }
  return control > sample.length / 100;
}
