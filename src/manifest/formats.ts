// Pure format checks. Each returns undefined when the value is fine, else a short reason.

// Control characters other than tab: they would break HTTP headers, metadata and shipping labels.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** True when the text holds a line break or another control character (tab excepted). */
export function hasControlChars(text: string): boolean {
  return CONTROL_CHARS.test(text);
}

const BUCKET_CHARS = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const IPV4_LIKE = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3'];

/** S3 bucket naming rules (the current, DNS-compatible ones). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a bucket name has 3 to 63 characters';
  if (!BUCKET_CHARS.test(name)) {
    return 'a bucket name uses only lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit';
  }
  if (name.includes('..')) return 'a bucket name cannot contain two dots in a row';
  if (name.includes('.-') || name.includes('-.')) return 'a bucket name cannot have a dot next to a hyphen';
  if (IPV4_LIKE.test(name)) return 'a bucket name cannot look like an IP address';
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `a bucket name cannot start with '${prefix}'`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? `a bucket name cannot end with '${suffix}'` : undefined;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A plain `local@domain.tld` address (no display names, no quoted local parts, no IP literals). */
export function emailProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return 'not an e-mail address of the form name@example.com';
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  const tld = labels[labels.length - 1] ?? '';
  const domainOk =
    labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l)) && /^[A-Za-z]{2,}$/.test(tld);
  if (local.length > 64 || !EMAIL_LOCAL.test(local) || !domainOk) {
    return 'not an e-mail address of the form name@example.com';
  }
  return undefined;
}

// RFC 6838 restricted names; optional `; name=value` parameters.
const MIME_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const MIME_PARAM = `\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\\r\\n]*")`;
const MIME_TYPE = new RegExp(`^${MIME_NAME}/${MIME_NAME}(?:${MIME_PARAM})*$`);

/** A MIME type `type/subtype`, optionally with parameters (`text/html; charset=utf-8`). */
export function mimeTypeProblem(value: string): string | undefined {
  return MIME_TYPE.test(value.trim()) ? undefined : 'a MIME type has the form type/subtype, e.g. image/jpeg';
}

// HTTP token characters (RFC 9110), the legal characters of a metadata name.
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const META_PREFIX = 'x-amz-meta-';

/** A metadata name in S3's form: lower-case, without the `x-amz-meta-` prefix. */
export function normaliseMetadataName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.startsWith(META_PREFIX) ? lower.slice(META_PREFIX.length) : lower;
}

export function metadataNameProblem(name: string): string | undefined {
  if (normaliseMetadataName(name) === '') return 'a metadata name cannot be empty';
  return HTTP_TOKEN.test(name.trim())
    ? undefined
    : "a metadata name uses only letters, digits and !#$%&'*+.^_`|~- (no spaces, colons or slashes)";
}

/** Extension keys of contentTypes: no dot prefix needed, no path separators or spaces. */
export function extensionProblem(ext: string): string | undefined {
  if (ext === '' || ext === '.') return 'an extension cannot be empty';
  return /[\s/\\]/.test(ext) ? 'an extension cannot contain spaces or slashes' : undefined;
}

// Characters no supported file system accepts in a directory name.
// eslint-disable-next-line no-control-regex
const BAD_DIR_CHARS = /[\u0000-\u001f/\\:*?"<>|]/;

/** A single directory name that is legal on NTFS, FAT32 and ext2/3/4. */
export function directoryNameProblem(name: string): string | undefined {
  if (name.trim() === '' || name === '.' || name === '..') return 'a directory name cannot be empty, . or ..';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'a directory name has at most 255 bytes';
  if (BAD_DIR_CHARS.test(name))
    return 'a directory name cannot contain / \\ : * ? " < > | or control characters';
  return /[ .]$/.test(name) ? 'a directory name cannot end with a space or a dot' : undefined;
}

/** A phone number: digits with the usual separators, optionally an extension; 6 to 20 digits. */
export function phoneProblem(phone: string): string | undefined {
  const main = phone.replace(/\s*(?:x|ext\.?)\s*\d{1,6}$/i, '');
  const digits = main.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ()./-]+$/.test(main)) return 'a phone number uses digits, spaces and + ( ) - . / only';
  return digits < 6 || digits > 20 ? 'a phone number has 6 to 20 digits' : undefined;
}

/** Export Control Classification Number (e.g. 5D992, 5A992.c) or EAR99. */
export function eccnProblem(value: string): string | undefined {
  return /^(?:\d[A-E]\d{3}(?:\.[a-z0-9]+)*|EAR99)$/i.test(value.trim())
    ? undefined
    : 'an export classification looks like 5D992 or EAR99';
}

const PO_BOX = /\b(?:p\.?\s*o\.?\s*box|post\s+office\s+box)\b/i;

/** True when a street line is a post-office box, which carriers cannot deliver a return shipment to. */
export function isPoBox(street: string): boolean {
  return PO_BOX.test(street);
}
