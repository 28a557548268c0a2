import { readReturnAddress } from './address.js';
import {
  boundedLine,
  readAccessKeyId,
  readBucket,
  readEmails,
  readLogPrefix,
  readManifestVersion,
  readPassword,
  readSubstitutions,
} from './common-rules.js';
import { readCustoms } from './customs.js';
import { readOperations, readPinCode, readRecoveryDirectory } from './export-rules.js';
import {
  readContentTypes,
  readIgnore,
  readMetadataKey,
  readMimeType,
  readPrefix,
  readStaticMetadata,
} from './import-rules.js';
import { enumReader, readBoolean, readLine, type Reader } from './readers.js';
import { CANNED_ACLS, FILE_SYSTEMS, SERVICE_LEVELS, STORAGE_CLASSES, type JobKind } from './types.js';

/** One top-level manifest field: where it may appear, where it is required, and how it is read. */
export interface FieldSpec {
  readonly name: string;
  readonly jobs: readonly JobKind[];
  readonly requiredFor: readonly JobKind[];
  readonly read: Reader<unknown>;
}

const BOTH: readonly JobKind[] = ['Import', 'Export'];
const IMPORT: readonly JobKind[] = ['Import'];
const EXPORT: readonly JobKind[] = ['Export'];
const NONE: readonly JobKind[] = [];

/** Every top-level field of a manifestVersion 2.0 manifest (reference §2.2-§2.4), in document order of the reference. */
export const FIELDS: readonly FieldSpec[] = [
  // Common to import and export.
  { name: 'manifestVersion', jobs: BOTH, requiredFor: BOTH, read: readManifestVersion },
  { name: 'accessKeyId', jobs: BOTH, requiredFor: NONE, read: readAccessKeyId },
  { name: 'deviceId', jobs: BOTH, requiredFor: BOTH, read: boundedLine(255) },
  { name: 'generator', jobs: BOTH, requiredFor: NONE, read: readLine },
  { name: 'logBucket', jobs: BOTH, requiredFor: EXPORT, read: readBucket },
  { name: 'logPrefix', jobs: BOTH, requiredFor: NONE, read: readLogPrefix },
  { name: 'notificationEmail', jobs: BOTH, requiredFor: NONE, read: readEmails },
  { name: 'returnAddress', jobs: BOTH, requiredFor: BOTH, read: readReturnAddress },
  { name: 'serviceLevel', jobs: BOTH, requiredFor: NONE, read: enumReader(SERVICE_LEVELS) },
  { name: 'customs', jobs: BOTH, requiredFor: NONE, read: readCustoms },
  { name: 'substitutions', jobs: BOTH, requiredFor: NONE, read: readSubstitutions },
  { name: 'trueCryptPassword', jobs: BOTH, requiredFor: NONE, read: readPassword },
  // Import only.
  { name: 'bucket', jobs: IMPORT, requiredFor: IMPORT, read: readBucket },
  { name: 'eraseDevice', jobs: IMPORT, requiredFor: NONE, read: readBoolean },
  { name: 'acl', jobs: IMPORT, requiredFor: NONE, read: enumReader(CANNED_ACLS) },
  { name: 'prefix', jobs: IMPORT, requiredFor: NONE, read: readPrefix },
  { name: 'ignore', jobs: IMPORT, requiredFor: NONE, read: readIgnore },
  { name: 'contentTypes', jobs: IMPORT, requiredFor: NONE, read: readContentTypes },
  { name: 'defaultContentType', jobs: IMPORT, requiredFor: NONE, read: readMimeType },
  { name: 'setContentEncodingForGzFiles', jobs: IMPORT, requiredFor: NONE, read: readBoolean },
  { name: 'cacheControl', jobs: IMPORT, requiredFor: NONE, read: readLine },
  { name: 'contentDisposition', jobs: IMPORT, requiredFor: NONE, read: readLine },
  { name: 'contentLanguage', jobs: IMPORT, requiredFor: NONE, read: readLine },
  { name: 'expires', jobs: IMPORT, requiredFor: NONE, read: readLine },
  { name: 'diskTimestampMetadataKey', jobs: IMPORT, requiredFor: NONE, read: readMetadataKey },
  { name: 'staticMetadata', jobs: IMPORT, requiredFor: NONE, read: readStaticMetadata },
  { name: 'storageClass', jobs: IMPORT, requiredFor: NONE, read: enumReader(STORAGE_CLASSES) },
  // Export only.
  {
    name: 'fileSystem',
    jobs: EXPORT,
    requiredFor: EXPORT,
    read: enumReader(FILE_SYSTEMS, 'InvalidFileSystemException'),
  },
  { name: 'operations', jobs: EXPORT, requiredFor: EXPORT, read: readOperations },
  { name: 'recoveryDirectory', jobs: EXPORT, requiredFor: NONE, read: readRecoveryDirectory },
  { name: 'pinCode', jobs: EXPORT, requiredFor: NONE, read: readPinCode },
];

export const FIELDS_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.name, f]));

/** Defaults filled into a valid manifest when a field is absent. */
export const DEFAULTS = {
  serviceLevel: 'standard',
  acl: 'private',
  storageClass: 'STANDARD',
  defaultContentType: 'binary/octet-stream',
  recoveryDirectory: 'EXPORT-RECOVERY',
  eraseDevice: false,
  setContentEncodingForGzFiles: false,
} as const;
