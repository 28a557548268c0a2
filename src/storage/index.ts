export * from './port.js';
export {
  isRetryable,
  storageDetails,
  storageError,
  storageErrorOf,
  toStorageError,
  type StorageErrorDetails,
} from './errors.js';
export { openEmbeddedStore } from './embedded/embedded-store.js';
export {
  bareEtag,
  checkBucketName,
  checkHeaders,
  checkKey,
  checkObjectSize,
  checkPartNumber,
  checkUploadSize,
  metadataBytes,
  multipartEtag,
  STORAGE_CLASSES,
  verifyContentMd5,
} from './embedded/rules.js';
export { openS3Store, type S3StoreOptions } from './s3/index.js';
