import { isAccessKeyId, isEmailAddress, isValidBucketName } from '../accounts/index.js';
import { usageInvalid } from './usage-errors.js';

// Argument parsers for commander: each returns the checked value or throws a UsageError
// (InvalidParameterException, exit code 2) naming the parameter and the rule.

/** An access key ID: 20 upper-case letters and digits. */
export function accessKeyIdArg(parameter: string): (raw: string) => string {
  return (raw) => {
    if (!isAccessKeyId(raw)) {
      usageInvalid(parameter, raw, 'an access key ID is 20 upper-case letters and digits');
    }
    return raw;
  };
}

/** A bucket name under S3's rules. */
export function bucketNameArg(raw: string): string {
  if (!isValidBucketName(raw)) {
    usageInvalid(
      'NAME',
      raw,
      'a bucket name is 3-63 lower-case letters, digits, dots and hyphens, starts and ends with a letter or digit, has no ".." and is not an IP address',
    );
  }
  return raw;
}

/** A repeatable `--email`: each use (or comma-separated list) adds checked addresses. */
export function emailListArg(raw: string, previous: string[] | undefined): string[] {
  const added = raw.split(',').map((part) => part.trim());
  for (const email of added) {
    if (!isEmailAddress(email)) {
      usageInvalid('--email', email, 'must be an e-mail address like name@example.com');
    }
  }
  return [...(previous ?? []), ...added];
}

/** An account name: 1-256 characters, no control characters. */
export function accountNameArg(raw: string): string {
  const name = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > 256 || /[\x00-\x1f\x7f]/.test(name)) {
    usageInvalid('--name', raw, 'must be 1-256 characters without control characters');
  }
  return name;
}
