// Public types of the manifest module: issues, options, results and the normalised manifests.

export type JobKind = 'Import' | 'Export';

/** The catalog codes a manifest check can produce (names as in src/catalog). */
export type ManifestIssueCode =
  | 'MalformedManifestException'
  | 'MissingManifestFieldException'
  | 'InvalidManifestFieldException'
  | 'InvalidAddressException'
  | 'MissingCustomsException'
  | 'InvalidCustomsException'
  | 'InvalidFileSystemException'
  | 'MultipleRegionsException';

/** One located problem. Lines and columns are 1-based, counted in the canonical text (no BOM). */
export interface ManifestIssue {
  code: ManifestIssueCode;
  /** Field path such as `returnAddress.city`, `operations[1].exportBucket`, `ignore[2]`; '' for the document. */
  path: string;
  line: number;
  column: number;
  /** Our own words: names the field and says what is allowed. */
  message: string;
}

export interface ValidateOptions {
  /** ISO 3166 alpha-2 country of the loading station; decides whether customs data is needed. Default 'US'. */
  stationCountry?: string;
  /** Region of a bucket, or undefined when unknown; when given, buckets in two regions are refused. */
  regionOf?: (bucket: string) => string | undefined;
  /** Largest accepted manifest, in UTF-8 bytes. Default 256 KiB. */
  maxBytes?: number;
}

export type ManifestResult =
  | { ok: true; manifest: ImportManifest | ExportManifest; warnings: string[] }
  | { ok: false; issues: ManifestIssue[]; warnings: string[] };

export const SERVICE_LEVELS = ['standard', 'expeditedShipping'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

export const FILE_SYSTEMS = ['NTFS', 'EXT2', 'EXT3', 'EXT4', 'FAT32'] as const;
export type ExportFileSystem = (typeof FILE_SYSTEMS)[number];

export const DEVICE_TYPES = ['externalStorageDevice', 'internalStorageDevice'] as const;
export const EXPORT_TYPES = ['return', 'permanent', 'temporary'] as const;

/** Where the device goes back to. `country` is normalised to ISO 3166 alpha-2. */
export interface ReturnAddress {
  name: string;
  company?: string;
  street1: string;
  street2?: string;
  street3?: string;
  city: string;
  stateOrProvince?: string;
  postalCode: string;
  phoneNumber: string;
  country: string;
}

/** Customs data for an international return shipment (countries as ISO alpha-2). */
export interface Customs {
  dataDescription: string;
  encryptedData: boolean;
  encryptionClassification?: string;
  exportCertifierName?: string;
  requiresExportLicense: boolean;
  /** Declared value, a positive decimal such as 250.00. */
  deviceValue: number;
  deviceCountryOfOrigin: string;
  deviceType: (typeof DEVICE_TYPES)[number];
  typeOfExport: (typeof EXPORT_TYPES)[number];
}

/** Fields shared by import and export manifests, with defaults filled. */
export interface CommonManifest {
  manifestVersion: '2.0';
  accessKeyId?: string;
  deviceId: string;
  generator?: string;
  logBucket: string;
  /** Inserted verbatim before `import-log-`/`export-log-`; '' when absent. */
  logPrefix: string;
  notificationEmail: string[];
  returnAddress: ReturnAddress;
  serviceLevel: ServiceLevel;
  customs?: Customs;
  substitutions: Record<string, string>;
  trueCryptPassword?: string;
}

export interface ImportManifest extends CommonManifest {
  jobType: 'Import';
  bucket: string;
  eraseDevice: boolean;
  acl: CannedAcl;
  prefix: string;
  /** The Java regular expressions as written; compile them with compileJavaRegex. */
  ignore: string[];
  /** Extension (no leading dot, case kept) -> MIME type. */
  contentTypes: Record<string, string>;
  defaultContentType: string;
  setContentEncodingForGzFiles: boolean;
  cacheControl?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  expires?: string;
  /** Lower-case metadata name (without `x-amz-meta-`). */
  diskTimestampMetadataKey?: string;
  /** Lower-case metadata name (without `x-amz-meta-`) -> value. */
  staticMetadata: Record<string, string>;
  storageClass: StorageClass;
}

export interface ExportOperation {
  exportBucket: string;
  prefix?: string;
  beginMarker?: string;
  endMarker?: string;
  /** Defaults to `/<exportBucket>/`. */
  targetDirectory: string;
}

export interface ExportManifest extends CommonManifest {
  jobType: 'Export';
  fileSystem: ExportFileSystem;
  operations: ExportOperation[];
  recoveryDirectory: string;
  pinCode?: string;
}
