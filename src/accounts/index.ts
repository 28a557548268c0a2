export * from './types.js';
export { StoreAccountsService, type AccountsDeps } from './accounts-service.js';
export { Permissions, checkStanding, canWrite, requireBucket, requireWritable } from './permissions.js';
export { SecretBox } from './secret-box.js';
export {
  generateAccessKeyId,
  generateSecretAccessKey,
  isAccessKeyId,
  ACCESS_KEY_ID_PATTERN,
} from './access-keys.js';
export { isEmailAddress, isValidBucketName, normaliseEmails } from './validation.js';
