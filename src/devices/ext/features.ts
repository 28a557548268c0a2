/**
 * The superblock's feature flags this reader knows, and which of them it can read. Incompat
 * features change the on-disk format: an unknown or unreadable one refuses the volume. Ro-compat
 * features only matter for writing, so every one of them is readable; compat ones too.
 */

/** Incompat flags (s_feature_incompat). */
export const INCOMPAT = {
  compression: 0x1,
  filetype: 0x2,
  needsRecovery: 0x4,
  journalDev: 0x8,
  metaBg: 0x10,
  extents: 0x40,
  bit64: 0x80,
  mmp: 0x100,
  flexBg: 0x200,
  eaInode: 0x400,
  dirdata: 0x1000,
  csumSeed: 0x2000,
  largedir: 0x4000,
  inlineData: 0x8000,
  encrypt: 0x10000,
  casefold: 0x20000,
} as const;

/** Ro-compat flags used for reading. */
export const RO_COMPAT = {
  sparseSuper: 0x1,
  largeFile: 0x2,
  gdtCsum: 0x10,
  bigalloc: 0x200,
  metadataCsum: 0x400,
} as const;

/** Compat flags used for reading. */
export const COMPAT = {
  sparseSuper2: 0x200,
} as const;

/** Incompat features that cannot be read, with what they are. */
const UNREADABLE: [number, string][] = [
  [INCOMPAT.compression, 'compression (e2compr compressed files)'],
  [INCOMPAT.journalDev, 'journal_dev (this is an external journal, not a file system)'],
  [INCOMPAT.dirdata, 'dirdata (Lustre data in directory entries)'],
  [INCOMPAT.encrypt, 'encrypt (fscrypt-encrypted directories and files)'],
];

const KNOWN_INCOMPAT = Object.values(INCOMPAT).reduce((all, bit) => all | bit, 0);

/** s_encoding for casefolded names: only UTF-8 12.1 exists. */
const ENCODING_UTF8 = 1;

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * The features of `incompat` this reader cannot read, described for the operator ([] when it can
 * read them all). `encoding` is s_encoding, which matters only with casefold.
 */
export function unreadableFeatures(incompat: number, encoding: number): string[] {
  const found = UNREADABLE.filter(([bit]) => (incompat & bit) !== 0).map(([, what]) => what);
  if ((incompat & INCOMPAT.casefold) !== 0 && encoding !== ENCODING_UTF8) {
    found.push(`casefold with name encoding ${encoding} (only UTF-8 is known)`);
  }
  const unknown = (incompat & ~KNOWN_INCOMPAT) >>> 0;
  for (let bit = 1; bit !== 0 && bit <= unknown; bit = (bit << 1) >>> 0) {
    if ((unknown & bit) !== 0) found.push(`unknown incompat feature ${hex(bit)}`);
  }
  return found;
}
