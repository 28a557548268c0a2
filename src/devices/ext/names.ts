/** A name as stored in a directory entry, decoded for display. */
export interface ExtName {
  /** The bytes as stored: what opening the entry goes by. */
  readonly raw: Buffer;
  /** UTF-8 decoded; U+FFFD stands for each byte sequence that is not UTF-8. */
  readonly text: string;
  /** The bytes are not valid UTF-8 (or, for a path, some parent's are not). */
  readonly invalid: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Decodes name bytes (never throws): `invalid` when they are not UTF-8. */
export function decodeName(raw: Buffer): ExtName {
  try {
    return { raw, text: strict.decode(raw), invalid: false };
  } catch {
    return { raw, text: lenient.decode(raw), invalid: true };
  }
}

/** Walk order: decoded text in JS string (UTF-16 code unit) order, raw bytes breaking ties. */
export function compareNames(a: ExtName, b: ExtName): number {
  if (a.text !== b.text) return a.text < b.text ? -1 : 1;
  return Buffer.compare(a.raw, b.raw);
}

/** The path of `name` inside the directory at `parent` ('' is the root). */
export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}
