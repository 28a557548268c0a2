import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import {
  isRetryable,
  storageDetails,
  storageError,
  storageErrorOf,
  toStorageError,
} from '../../../../src/storage/index.js';

// src/storage/errors.ts is shared by both adapters and the loader; its tests live with the embedded store's.
describe('storage errors', () => {
  it('builds a CatalogError carrying the HTTP status and extra details', () => {
    const error = storageError('SlowDown', 503, { s3Code: 'SlowDown', reason: 'busy' });
    expect(error).toBeInstanceOf(CatalogError);
    expect(error.code).toBe('SlowDown');
    expect(error.details).toEqual({ httpStatus: 503, s3Code: 'SlowDown', reason: 'busy' });
    expect(storageDetails(error)?.httpStatus).toBe(503);
  });

  it('takes the status from the catalog when built from a code alone', () => {
    expect(storageErrorOf('NoSuchBucket').details).toEqual({ httpStatus: 404 });
    expect(storageErrorOf('KeyTooLong', 'too long').details).toEqual({ httpStatus: 400, reason: 'too long' });
  });

  it('turns anything else thrown into InternalError 500 that keeps its cause', () => {
    const cause = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const error = toStorageError(cause);
    expect(error).toMatchObject({
      code: 'InternalError',
      details: { httpStatus: 500, reason: 'disk full', errno: 'ENOSPC' },
    });
    expect((error as { cause?: unknown }).cause).toBe(cause);
    const known = storageErrorOf('BadDigest');
    expect(toStorageError(known)).toBe(known);
  });

  it('is not fooled by errors that are not storage errors', () => {
    expect(storageDetails(new CatalogError('InvalidJobId'))).toBeUndefined();
    expect(storageDetails(new Error('x'))).toBeUndefined();
  });

  it('calls the transient failures retryable and the rest not', () => {
    const retryable = [
      storageError('SlowDown', 503),
      storageError('InternalError', 500),
      storageError('RequestTimeout', 400),
      storageError('RequestTimeout', 0, { network: true }),
      storageError('OperationAborted', 409),
      storageError('InternalError', 503, { s3Code: 'ServiceUnavailable' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ];
    const final = [
      storageError('BadDigest', 400),
      storageError('AccessDenied', 403),
      storageError('NoSuchBucket', 404),
      storageError('EntityTooLarge', 400),
      new CatalogError('InternalError'),
      new Error('plain'),
      null,
      'text',
    ];
    for (const error of retryable) expect(isRetryable(error), String(error)).toBe(true);
    for (const error of final) expect(isRetryable(error), String(error)).toBe(false);
  });
});
