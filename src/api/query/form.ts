import { invalidParam } from './errors.js';

/** One parameter: name and value, both decoded. */
export type Pair = readonly [name: string, value: string];

/** A form body or query string split into pairs, decoded and as sent (for SigV4's literal form). */
export interface FormPairs {
  decoded: Pair[];
  raw: Pair[];
}

// ignoreBOM keeps a leading U+FEFF: the value must stay exactly what the client signed.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NOT_UTF8 = 'it is not percent-encoded UTF-8';

/**
 * RFC 3986 percent-encoding as AWS signatures use it: unreserved `A-Z a-z 0-9 - _ . ~` kept,
 * every other UTF-8 byte as `%XX` with upper-case hex (so a space is `%20`, `*` is `%2A`).
 */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Decodes one `application/x-www-form-urlencoded` component given as a byte string (one char per
 * byte): `+` is a space, `%XX` a byte, and the bytes must be UTF-8. Null when they are not.
 */
export function decodeComponent(bytes: string): string | null {
  if (/^[\x20-\x24\x26-\x2a\x2c-\x7e]*$/.test(bytes)) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    if (code === 0x2b) out[length++] = 0x20;
    else if (code !== 0x25) out[length++] = code & 0xff;
    else {
      const high = hexValue(bytes.charCodeAt(i + 1));
      const low = hexValue(bytes.charCodeAt(i + 2));
      if (high < 0 || low < 0) return null;
      out[length++] = high * 16 + low;
      i += 2;
    }
  }
  try {
    return utf8.decode(out.subarray(0, length));
  } catch {
    return null;
  }
}

/**
 * Splits a form body or query string (a byte string) into pairs, keeping order and duplicates.
 * Empty segments (`a=1&&b=2`) are skipped. InvalidParameterException names a parameter whose name
 * or value is not percent-encoded UTF-8.
 */
export function parseForm(bytes: string): FormPairs {
  const decoded: Pair[] = [];
  const raw: Pair[] = [];
  if (bytes === '') return { decoded, raw };
  for (const segment of bytes.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawName = eq < 0 ? segment : segment.slice(0, eq);
    const rawValue = eq < 0 ? '' : segment.slice(eq + 1);
    const name = decodeComponent(rawName);
    if (name === null) throw invalidParam(rawName, NOT_UTF8);
    const value = decodeComponent(rawValue);
    if (value === null) throw invalidParam(name, NOT_UTF8);
    raw.push([rawName, rawValue]);
    decoded.push([name, value]);
  }
  return { decoded, raw };
}
