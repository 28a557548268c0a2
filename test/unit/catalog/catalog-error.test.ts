import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  entryOf,
  isCodeName,
  renderMessage,
  toCatalogError,
} from '../../../src/catalog/index.js';

describe('renderMessage', () => {
  it('fills every placeholder', () => {
    const text = renderMessage('Returned', { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(text).toContain('UPS');
    expect(text).toContain('1Z999');
    expect(text).not.toMatch(/[{}]/);
  });

  it('accepts numbers', () => {
    expect(renderMessage('SuccessWithErrors', { count: 3 })).toContain('3 file(s)');
  });

  it('leaves unknown placeholders as they are and ignores extra params', () => {
    expect(renderMessage('Success', { other: 'x' })).toContain('{logUrl}');
    expect(renderMessage('OK', { other: 'x' })).toBe(entryOf('OK').message);
  });

  it('fills the manifest field list', () => {
    expect(renderMessage('MissingManifestField', { fields: 'bucket, returnAddress.city' })).toContain(
      'bucket, returnAddress.city',
    );
  });
});

describe('CatalogError', () => {
  it('carries the code, params, rendered message and entry', () => {
    const err = new CatalogError('InvalidConfiguration', { option: '--port', reason: 'not a number' });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('InvalidConfiguration');
    expect(err.message).toContain('--port');
    expect(err.message).toContain('not a number');
    expect(err.entry.http).toBe(400);
  });
});

describe('toCatalogError', () => {
  it('passes a CatalogError through unchanged', () => {
    const err = new CatalogError('SlowDown');
    expect(toCatalogError(err)).toBe(err);
  });

  it('turns anything else into InternalError and keeps the cause', () => {
    const cause = new TypeError('boom');
    const err = toCatalogError(cause);
    expect(err.code).toBe('InternalError');
    expect(err.entry.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(toCatalogError('a string').code).toBe('InternalError');
  });
});

describe('isCodeName', () => {
  it('knows the exact spellings only', () => {
    expect(isCodeName('InvalidAccess Key ID')).toBe(true);
    expect(isCodeName('InvalidAccessKeyId')).toBe(false);
    expect(isCodeName('MalformedPOSTRequest ')).toBe(false);
    expect(isCodeName('toString')).toBe(false);
  });
});
