import { BUILT_IN_CONTENT_TYPES } from './content-type-table.js';

// Content-Type of an imported file, from its name (reference §2.3, contentTypes and
// defaultContentType; A-S3Imp for gzip):
//  1. the manifest's `contentTypes`, keys matched case-sensitively (`jpg` and `JPG` are different);
//  2. the built-in table, matched case-insensitively;
//  3. the manifest's `defaultContentType`.
// The extension is what follows a dot in the last path component. A key of the manifest may itself
// hold a dot (`tar.gz`), so every dot-suffix of the name is tried, longest first; a leading dot
// (`.profile`) marks a hidden file, not an extension.

/** The manifest fields the Content-Type depends on. */
export interface ContentTypeRules {
  contentTypes: Readonly<Record<string, string>>;
  defaultContentType: string;
}

/** The extension suffixes of a path's last component, longest first (`a.tar.gz` -> tar.gz, gz). */
export function extensionCandidates(path: string): string[] {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const candidates: string[] = [];
  for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1)) {
    const suffix = name.slice(dot + 1);
    if (suffix !== '') candidates.push(suffix);
  }
  return candidates;
}

/** The Content-Type for a file name under the manifest's rules (never empty). */
export function contentTypeFor(path: string, rules: ContentTypeRules): string {
  const candidates = extensionCandidates(path);
  for (const ext of candidates) {
    const own = ownValue(rules.contentTypes, ext);
    if (own !== undefined) return own;
  }
  for (const ext of candidates) {
    const builtIn = ownValue(BUILT_IN_CONTENT_TYPES, ext.toLowerCase());
    if (builtIn !== undefined) return builtIn;
  }
  return rules.defaultContentType;
}

const GZIP_SUFFIX = /\.(?:gz|gzip)$/i;

/**
 * The Content-Type of a gzip-compressed file whose encoding is announced with
 * `Content-Encoding: gzip`: a trailing `.gz`/`.gzip` is left out when choosing it
 * (`text1.html.gz` -> text/html, `text.gzip` -> the default type), as A-S3Imp describes.
 */
export function innerContentTypeFor(path: string, rules: ContentTypeRules): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const inner = name.replace(GZIP_SUFFIX, '');
  // `.gz` alone (a hidden file called gz) keeps its name; an emptied name has no extension.
  return contentTypeFor(inner === '' ? name : inner, rules);
}

/** True when the bytes start with the gzip magic number (1f 8b), as the station sniffs them. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function ownValue(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
