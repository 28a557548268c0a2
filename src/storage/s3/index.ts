export { openS3Store } from './s3-store.js';
export type { S3StoreOptions } from './s3-client.js';
export { mapS3Error } from './s3-errors.js';
