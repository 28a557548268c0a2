import type { DeviceEntry, EntryType } from '../../devices/port.js';
import type { ImportManifest } from '../../manifest/index.js';
import { S3_LIMITS } from '../../storage/port.js';
import { contentTypeFor } from './content-type.js';
import { headersFor, metadataBytes, metadataFor } from './headers.js';
import { IgnoreMatcher } from './ignore-matcher.js';
import { objectKeyFor, Substituter } from './object-key.js';
import type { KeyPlanner, KeyPlannerOptions, PlannedFailure, PlannedFile, PlannedSkip } from './types.js';

// Plans each entry of a device's tree: skip (103 Ignored), fail (a 400/508 log row), or upload
// under a key with headers. Checks, in order:
//  1. directories are not planned (null);
//  2. the SIGNATURE file in the root -> 103 Ignored (DECISIONS §3);
//  3. symlinks, device nodes, FIFOs, sockets, reparse points -> 103 Ignored (DECISIONS §9);
//  4. a match of an `ignore` pattern -> 103 Ignored (A-Ignore), checked before any error so that
//     a file the customer excluded is never reported as failing; a pattern that overruns the time
//     budget -> 400 InvalidArgument (the file is neither loaded against the customer's wish nor
//     silently dropped);
//  5. unreadable metadata -> 508 ReadError; a name that is not valid UTF-8 -> 400 InvalidArgument;
//  6. the key (object-key.ts) -> 400 InvalidSubstitution or 400 KeyTooLong;
//  7. over 5 TB -> 400 EntityTooLarge; metadata over 2 KB -> 400 MetadataTooLarge.

const DEFAULT_BUDGET_MS = 250;

const SPECIAL_TYPES: Readonly<Record<Exclude<EntryType, 'file' | 'directory'>, string>> = {
  symlink: 'a symbolic link',
  'block-device': 'a block device node',
  'char-device': 'a character device node',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  'reparse-point': 'an NTFS reparse point',
  other: 'not a regular file',
};

/**
 * A planner for one import job. Throws when an `ignore` pattern cannot be translated from Java
 * syntax (never for a manifest that passed parseManifest). `plan` throws only when the
 * ignore-pattern worker thread cannot be started. Call `close()` when the load ends.
 */
export function createKeyPlanner(manifest: ImportManifest, options: KeyPlannerOptions = {}): KeyPlanner {
  const budgetMs = options.regexTimeBudgetMs ?? DEFAULT_BUDGET_MS;
  const matcher = new IgnoreMatcher(manifest.ignore, budgetMs);
  const substituter = new Substituter(manifest.substitutions);
  const signaturePath = options.signaturePath ?? 'SIGNATURE';

  function plan(entry: DeviceEntry): PlannedFile | null {
    if (entry.type === 'directory') return null;
    if (entry.path === signaturePath) {
      return skip('the SIGNATURE file is never imported', 'text/plain');
    }
    if (entry.type !== 'file') return skip(`${SPECIAL_TYPES[entry.type]} is not imported`);
    const contentType = contentTypeFor(entry.path, manifest);
    const ignored = matcher.match(entry.path);
    if ('timedOut' in ignored) {
      const reason = `the ignore patterns took longer than ${budgetMs} ms on this path, so the file was not loaded`;
      return fail(400, 'InvalidArgument', reason, { contentType });
    }
    if (ignored.matched !== null) {
      return skip(`matches the ignore pattern '${manifest.ignore[ignored.matched]}'`, contentType);
    }
    return planRegularFile(entry, contentType);
  }

  function planRegularFile(entry: DeviceEntry, contentType: string): PlannedFile {
    if (entry.error) {
      return fail(508, 'ReadError', `its metadata could not be read: ${entry.error.message}`, {
        contentType,
      });
    }
    if (entry.invalidName) {
      return fail(400, 'InvalidArgument', 'its name is not valid UTF-8', { contentType });
    }
    const keyed = objectKeyFor(manifest.prefix, entry.path, substituter);
    if (!keyed.ok) return fail(400, keyed.code, keyed.reason, { key: keyed.key, contentType });
    const key = keyed.key;
    if (entry.size > S3_LIMITS.maxObjectBytes) {
      const reason = `it has ${entry.size} bytes; an object may have at most ${S3_LIMITS.maxObjectBytes} (5 TB)`;
      return fail(400, 'EntityTooLarge', reason, { key, contentType });
    }
    const metadata = metadataFor(manifest, entry.mtime);
    const bytes = metadataBytes(metadata);
    if (bytes > S3_LIMITS.maxMetadataBytes) {
      const reason = `its metadata takes ${bytes} bytes; the storage allows ${S3_LIMITS.maxMetadataBytes}`;
      return fail(400, 'MetadataTooLarge', reason, { key, contentType });
    }
    return { action: 'upload', key, ...headersFor(manifest, entry.path, metadata) };
  }

  return { plan, close: () => matcher.close() };
}

function skip(reason: string, contentType?: string): PlannedSkip {
  const skipped: PlannedSkip = { action: 'skip', status: 103, code: 'Ignored', reason };
  if (contentType !== undefined) skipped.contentType = contentType;
  return skipped;
}

function fail(
  status: PlannedFailure['status'],
  code: PlannedFailure['code'],
  reason: string,
  extra: { key?: string; contentType?: string },
): PlannedFailure {
  return { action: 'fail', status, code, reason, ...extra };
}
