import type { FieldValues } from './field-values.js';
import { DEFAULTS } from './fields.js';
import type { MetadataItem } from './import-rules.js';
import type { CommonManifest, ExportManifest, ImportManifest } from './types.js';

// Builds the normalised manifest from fields that all passed validation, filling the defaults.

type Optional<T> = { [K in keyof T]?: T[K] };

/** Copies the named fields that are present (so absent optional fields leave no `undefined` keys). */
function copyPresent<T>(values: FieldValues, names: ReadonlyArray<keyof T & string>): Optional<T> {
  const out: Optional<T> = {};
  for (const name of names) {
    const value = values.get<T[typeof name]>(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function buildCommon(values: FieldValues): Omit<CommonManifest, 'logBucket'> {
  return {
    manifestVersion: '2.0',
    ...copyPresent<CommonManifest>(values, ['accessKeyId', 'generator', 'customs', 'trueCryptPassword']),
    deviceId: values.get<string>('deviceId') ?? '',
    logPrefix: values.get<string>('logPrefix') ?? '',
    notificationEmail: values.get<string[]>('notificationEmail') ?? [],
    returnAddress: values.get<CommonManifest['returnAddress']>('returnAddress') ?? missing('returnAddress'),
    serviceLevel: values.get<CommonManifest['serviceLevel']>('serviceLevel') ?? DEFAULTS.serviceLevel,
    substitutions: values.get<Record<string, string>>('substitutions') ?? {},
  };
}

export function buildImport(values: FieldValues): ImportManifest {
  const bucket = values.get<string>('bucket') ?? missing('bucket');
  const metadata = values.get<MetadataItem[]>('staticMetadata') ?? [];
  return {
    jobType: 'Import',
    ...buildCommon(values),
    ...copyPresent<ImportManifest>(values, [
      'cacheControl',
      'contentDisposition',
      'contentLanguage',
      'expires',
      'diskTimestampMetadataKey',
    ]),
    bucket,
    logBucket: values.get<string>('logBucket') ?? bucket,
    eraseDevice: values.get<boolean>('eraseDevice') ?? DEFAULTS.eraseDevice,
    acl: values.get<ImportManifest['acl']>('acl') ?? DEFAULTS.acl,
    prefix: values.get<string>('prefix') ?? '',
    ignore: values.get<string[]>('ignore') ?? [],
    contentTypes: values.get<Record<string, string>>('contentTypes') ?? {},
    defaultContentType: values.get<string>('defaultContentType') ?? DEFAULTS.defaultContentType,
    setContentEncodingForGzFiles:
      values.get<boolean>('setContentEncodingForGzFiles') ?? DEFAULTS.setContentEncodingForGzFiles,
    staticMetadata: Object.fromEntries(metadata.map((item) => [item.name, item.value])),
    storageClass: values.get<ImportManifest['storageClass']>('storageClass') ?? DEFAULTS.storageClass,
  };
}

export function buildExport(values: FieldValues): ExportManifest {
  return {
    jobType: 'Export',
    ...buildCommon(values),
    ...copyPresent<ExportManifest>(values, ['pinCode']),
    logBucket: values.get<string>('logBucket') ?? missing('logBucket'),
    fileSystem: values.get<ExportManifest['fileSystem']>('fileSystem') ?? missing('fileSystem'),
    operations: values.get<ExportManifest['operations']>('operations') ?? missing('operations'),
    recoveryDirectory: values.get<string>('recoveryDirectory') ?? DEFAULTS.recoveryDirectory,
  };
}

/** Only reachable if validation let a required field through; a programming error. */
function missing(name: string): never {
  throw new Error(`manifest build: required field '${name}' has no value after validation`);
}
