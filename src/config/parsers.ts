import { isIP } from 'node:net';

/**
 * A value that breaks its option's rule. `reason` says what is allowed; the resolver adds which
 * option it was and the value given, and turns it into InvalidConfiguration.
 */
export class InvalidValue extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidValue';
  }
}

/** Turns the text of a flag or environment variable into an option's value, or throws InvalidValue. */
export type Parser<T> = (raw: string) => T;

const DIGITS = /^[0-9]+$/;

/** A TCP port: an integer from 1 to 65535. */
export function parsePort(raw: string): number {
  const port = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidValue('must be an integer from 1 to 65535');
  }
  return port;
}

/** An integer of 1 or more (days, seconds, counts). */
export function parsePositiveInteger(raw: string): number {
  const value = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidValue('must be a whole number of 1 or more');
  }
  return value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** A switch given as text (environment): 1/true/yes/on or 0/false/no/off, any case. */
export function parseBoolean(raw: string): boolean {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new InvalidValue('must be one of 1, true, yes, on, 0, false, no, off');
}

/** Any text that is not empty. */
export function parseText(raw: string): string {
  if (raw === '') throw new InvalidValue('must not be empty');
  return raw;
}

/**
 * A URL whose scheme is one of `schemes` (without the colon) and which names a host. With
 * `baseUrl`, query and fragment are refused and a trailing slash is dropped, so paths can be appended.
 */
export function urlParser(schemes: readonly string[], opts: { baseUrl?: boolean } = {}): Parser<string> {
  const allowed = schemes.map((s) => `${s}://`).join(' or ');
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidValue(`must be a URL starting with ${allowed}`);
    }
    if (!schemes.includes(url.protocol.slice(0, -1))) {
      throw new InvalidValue(`must be a URL starting with ${allowed}`);
    }
    if (url.hostname === '') {
      throw new InvalidValue(`must be a URL with a host name, like ${schemes[0]}://HOST`);
    }
    if (!opts.baseUrl) return raw;
    if (url.search !== '' || url.hash !== '') {
      throw new InvalidValue('must not have a query (?...) or fragment (#...)');
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  };
}

// Practical address syntax: dot-atom local part, host name domain (a single label like
// `localhost` is allowed because a self-hosted service often runs without a public domain).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** True when `text` is an e-mail address like `name@example.com` (no display name, no brackets). */
export function isEmailAddress(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at < 1 || text.length > 254) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
}

/** An e-mail address like `importexport@example.com`. */
export function parseEmailAddress(raw: string): string {
  if (!isEmailAddress(raw)) throw new InvalidValue('must be an e-mail address like name@example.com');
  return raw;
}

const HOST_NAME = DOMAIN;

/** A host name or IP address to listen on, like 127.0.0.1, 0.0.0.0, :: or localhost. */
export function parseHost(raw: string): string {
  if (isIP(raw) === 0 && !HOST_NAME.test(raw)) {
    throw new InvalidValue('must be a host name or an IP address, like 127.0.0.1 or 0.0.0.0');
  }
  return raw;
}

/** A region name like us-east-1 (lower-case letters, digits and single hyphens; Ceph's `default` too). */
export function parseRegion(raw: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(raw) || raw.length > 63) {
    throw new InvalidValue('must be a region name like us-east-1 (lower-case letters, digits, hyphens)');
  }
  return raw;
}

/** A station name: 1-63 letters, digits, dots, hyphens or underscores, starting with a letter or digit. */
export function parseStationName(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(raw)) {
    throw new InvalidValue('must be 1-63 letters, digits, ".", "-" or "_", starting with a letter or digit');
  }
  return raw;
}

/** A two-letter ISO 3166 country code, returned in upper case. */
export function parseCountryCode(raw: string): string {
  if (!/^[A-Za-z]{2}$/.test(raw)) throw new InvalidValue('must be a two-letter country code like US or DE');
  return raw.toUpperCase();
}

/** A bearer token: at least 16 visible ASCII characters, no spaces. */
export function parseToken(raw: string): string {
  if (!/^[\x21-\x7e]{16,}$/.test(raw)) {
    throw new InvalidValue('must be at least 16 visible ASCII characters without spaces');
  }
  return raw;
}

/** Any non-empty text without spaces or control characters (keys and secrets). */
export function parseKey(raw: string): string {
  if (!/^[\x21-\x7e]+$/.test(raw)) throw new InvalidValue('must be visible ASCII characters without spaces');
  return raw;
}

const LIST_WORD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** A comma-separated list of 1 or more words (letters, digits, `.`, `_`, `-`), de-duplicated. */
export function parseWordList(raw: string): string[] {
  const words = raw.split(',').map((w) => w.trim());
  if (words.some((w) => !LIST_WORD.test(w))) {
    throw new InvalidValue(
      'must be a comma-separated list of words (letters, digits, . _ -), e.g. usb2,usb3',
    );
  }
  return [...new Set(words)];
}

/** The file systems Longshore can read, spelled as the station's config and messages spell them. */
export const STATION_FILE_SYSTEMS = ['FAT32', 'ext2', 'ext3', 'ext4', 'NTFS'] as const;
export type StationFileSystem = (typeof STATION_FILE_SYSTEMS)[number];

/** A comma-separated subset of FAT32, ext2, ext3, ext4, NTFS (any case), in canonical spelling. */
export function parseFileSystemList(raw: string): StationFileSystem[] {
  const byLower = new Map(STATION_FILE_SYSTEMS.map((fs) => [fs.toLowerCase(), fs]));
  const chosen = raw.split(',').map((w) => byLower.get(w.trim().toLowerCase()));
  if (chosen.some((fs) => fs === undefined)) {
    throw new InvalidValue(`must be a comma-separated list of ${STATION_FILE_SYSTEMS.join(', ')}`);
  }
  return [...new Set(chosen as StationFileSystem[])];
}

/** An IANA time zone name the runtime knows (`UTC`, `Europe/Paris`). */
export function parseTimeZone(raw: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidValue('must be an IANA time zone name such as UTC or Europe/Paris');
  }
}
