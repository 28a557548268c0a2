import { describe, expect, it } from 'vitest';
import { apiCodeFor, emailCodeFor } from '../../../src/catalog/index.js';

describe('apiCodeFor', () => {
  it.each([
    ['InvalidJobId', 'InvalidJobIdException'],
    ['CanceledJobId', 'CanceledJobIdException'],
    ['AccessDenied', 'BucketPermissionException'],
    ['InvalidAccess Key ID', 'InvalidAccessKeyIdException'],
    ['NoSuchBucket', 'NoSuchBucketException'],
    ['MissingManifestField', 'MissingManifestFieldException'],
  ] as const)('maps %s to %s', (code, api) => {
    expect(apiCodeFor(code)).toBe(api);
  });

  it('is the identity for codes used on the API', () => {
    expect(apiCodeFor('InvalidJobIdException')).toBe('InvalidJobIdException');
    expect(apiCodeFor('AccountProblem')).toBe('AccountProblem');
    expect(apiCodeFor('SignatureDoesNotMatch')).toBe('SignatureDoesNotMatch');
    expect(apiCodeFor('InternalError')).toBe('InternalError');
  });

  it('is undefined when the API has no equivalent', () => {
    expect(apiCodeFor('InvalidSender')).toBeUndefined();
    expect(apiCodeFor('KeyTooLong')).toBeUndefined();
  });
});

describe('emailCodeFor', () => {
  it.each([
    ['InvalidJobIdException', 'InvalidJobId'],
    ['ExpiredJobIdException', 'ExpiredJobId'],
    ['UnableToCancelJobIdException', 'UnableToCancelJobId'],
    ['BucketPermissionException', 'AccessDenied'],
    ['InvalidAccessKeyIdException', 'InvalidAccess Key ID'],
    ['MalformedManifestException', 'InvalidManifestField'],
    ['MultipleRegionsException', 'InvalidManifestField'],
    ['MissingCustomsException', 'MissingManifestField'],
  ] as const)('maps %s to %s', (code, email) => {
    expect(emailCodeFor(code)).toBe(email);
  });

  it('is the identity for codes used in e-mail replies', () => {
    expect(emailCodeFor('InvalidSender')).toBe('InvalidSender');
    expect(emailCodeFor('NotSignedUp')).toBe('NotSignedUp');
    expect(emailCodeFor('Pending')).toBe('Pending');
  });

  it('is undefined when e-mail has no equivalent', () => {
    expect(emailCodeFor('UnableToUpdateJobIdException')).toBeUndefined();
    expect(emailCodeFor('InvalidClientTokenId')).toBeUndefined();
  });
});
