import { S3_LIMITS } from '../../storage/port.js';

// The object key of a file: the manifest's `prefix` + the device path, then the `substitutions`
// applied to that whole key. Order: A-Subst ("Working with Amazon S3 Substitutions", quoted in
// importexport-reference.md §2.3: "applied to key names after `prefix`") says the substitutions
// option is applied after any prefix option, and its example (`prefix: myprefix$COLON$` with the
// substitution `"$COLON$" : ":"`) only works when the prefix is part of what is substituted.
// A-Keys adds that no `/` is inserted between prefix and path (`images` + `sample.jpg`).

/** The key of one file, or why the substitutions made it unusable. */
export type KeyResult =
  | { ok: true; key: string }
  | { ok: false; code: 'InvalidSubstitution'; key: string; reason: string }
  | { ok: false; code: 'KeyTooLong'; key: string; reason: string };

/**
 * Applies substitutions in one left-to-right pass: at each position the longest search text that
 * occurs there is replaced, and the scan goes on after it. So replacements are never substituted
 * again (`A->B`, `B->C` turns `AB` into `BC`), and the manifest's order does not matter.
 */
export class Substituter {
  /** Search texts grouped by their first code unit, longest first within a group. */
  private readonly byFirst = new Map<string, [string, string][]>();

  constructor(substitutions: Readonly<Record<string, string>>) {
    for (const [search, replacement] of Object.entries(substitutions)) {
      if (search === '') continue; // the manifest refuses it; nothing to find anyway
      const group = this.byFirst.get(search[0] ?? '') ?? [];
      group.push([search, replacement]);
      this.byFirst.set(search[0] ?? '', group);
    }
    for (const group of this.byFirst.values()) group.sort((a, b) => b[0].length - a[0].length);
  }

  /** True when there is nothing to substitute. */
  get empty(): boolean {
    return this.byFirst.size === 0;
  }

  /** The text with every occurrence replaced. */
  apply(text: string): string {
    if (this.empty) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const hit = this.byFirst.get(text[i] ?? '')?.find(([search]) => text.startsWith(search, i));
      if (hit) {
        out += hit[1];
        i += hit[0].length;
      } else {
        out += text[i];
        i += 1;
      }
    }
    return out;
  }
}

/**
 * The key for a device path: `prefix + path`, substituted. InvalidSubstitution when the
 * substitutions replaced a whole name with the empty string (A-Subst: "Avoid attempting to replace
 * an entire value with an empty string ... 400 InvalidSubstitution"): read here as an empty key, or
 * a key with more empty `/`-separated components than before substitution (`a/b` -> `a/` or `/b`).
 * KeyTooLong when the key has more than 1024 UTF-8 bytes.
 */
export function objectKeyFor(prefix: string, path: string, substituter: Substituter): KeyResult {
  const raw = prefix + path;
  const key = substituter.apply(raw);
  if (key === '' || emptyComponents(key) > emptyComponents(raw)) {
    const reason = `the substitutions turn '${raw}' into '${key}', which leaves a file or folder name empty`;
    return { ok: false, code: 'InvalidSubstitution', key, reason };
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > S3_LIMITS.maxKeyBytes) {
    const reason = `the key has ${bytes} UTF-8 bytes; the storage allows ${S3_LIMITS.maxKeyBytes}`;
    return { ok: false, code: 'KeyTooLong', key, reason };
  }
  return { ok: true, key };
}

function emptyComponents(key: string): number {
  return key.split('/').filter((part) => part === '').length;
}
