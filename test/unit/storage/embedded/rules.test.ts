import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/index.js';
import {
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
} from '../../../../src/storage/embedded/rules.js';
import { S3_LIMITS } from '../../../../src/storage/index.js';

/** The catalog code a rule throws, or null when it passes. */
function codeOf(rule: () => unknown): string | null {
  try {
    rule();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as CatalogError).code;
  }
}

describe('S3 rules of the embedded store', () => {
  it('accepts bucket names S3 accepts', () => {
    for (const name of ['abc', 'a'.repeat(63), 'my.bucket-1', '1.2.3', 'a1-2.b3', '1234.5.6.x']) {
      expect(codeOf(() => checkBucketName(name))).toBeNull();
    }
  });

  it('refuses bucket names S3 refuses', () => {
    const bad = [
      'ab',
      'a'.repeat(64),
      'Abc',
      'a_b',
      '-ab',
      'ab-',
      '.ab',
      'ab.',
      'a..b',
      'a.-b',
      'a-.b',
      '10.0.0.1',
      '999.1.1.1',
      'é-ab',
      '',
    ];
    for (const name of bad)
      expect(
        codeOf(() => checkBucketName(name)),
        name,
      ).toBe('InvalidBucketName');
  });

  it('measures keys in UTF-8 bytes and refuses empty or malformed ones', () => {
    expect(codeOf(() => checkKey('€'.repeat(341)))).toBeNull(); // 1023 bytes
    expect(codeOf(() => checkKey('€'.repeat(342)))).toBe('KeyTooLong'); // 1026 bytes
    expect(codeOf(() => checkKey('a'.repeat(S3_LIMITS.maxKeyBytes)))).toBeNull();
    expect(codeOf(() => checkKey(''))).toBe('InvalidArgument');
    expect(codeOf(() => checkKey('lone \uD800 surrogate'))).toBe('InvalidArgument');
    expect(codeOf(() => checkKey('pair \uD83D\uDE00 ok'))).toBeNull();
  });

  it('counts user metadata as the UTF-8 bytes of names and values', () => {
    expect(metadataBytes({ ab: 'cd', e: 'é' })).toBe(7);
    expect(metadataBytes(undefined)).toBe(0);
    const exactly = { k: 'é'.repeat((S3_LIMITS.maxMetadataBytes - 2) / 2) + 'x' };
    expect(metadataBytes(exactly)).toBe(S3_LIMITS.maxMetadataBytes);
    expect(codeOf(() => checkHeaders({ metadata: exactly }))).toBeNull();
    expect(codeOf(() => checkHeaders({ metadata: { ...exactly, z: '' } }))).toBe('MetadataTooLarge');
  });

  it('knows the eight storage classes and nothing else', () => {
    expect(STORAGE_CLASSES).toHaveLength(8);
    for (const storageClass of STORAGE_CLASSES)
      expect(codeOf(() => checkHeaders({ storageClass }))).toBeNull();
    for (const storageClass of ['standard', 'GLACIER_FLEXIBLE', '']) {
      expect(codeOf(() => checkHeaders({ storageClass }))).toBe('InvalidStorageClass');
    }
  });

  it('limits a single upload to 5 GiB and an object to 5 TiB', () => {
    expect(codeOf(() => checkUploadSize(S3_LIMITS.maxSinglePutBytes))).toBeNull();
    expect(codeOf(() => checkUploadSize(S3_LIMITS.maxSinglePutBytes + 1))).toBe('EntityTooLarge');
    expect(codeOf(() => checkObjectSize(S3_LIMITS.maxObjectBytes))).toBeNull();
    expect(codeOf(() => checkObjectSize(S3_LIMITS.maxObjectBytes + 1))).toBe('EntityTooLarge');
  });

  it('takes part numbers 1 to 10000 only', () => {
    for (const n of [1, 10_000]) expect(codeOf(() => checkPartNumber(n))).toBeNull();
    for (const n of [0, -1, 10_001, 1.5, Number.NaN])
      expect(codeOf(() => checkPartNumber(n))).toBe('InvalidArgument');
  });

  it('checks Content-MD5: InvalidDigest for a malformed header, BadDigest for other bytes', () => {
    const body = Buffer.from('hello');
    const digest = createHash('md5').update(body).digest();
    expect(verifyContentMd5(body, digest.toString('base64'))).toBe(digest.toString('hex'));
    expect(codeOf(() => verifyContentMd5(Buffer.from('hellO'), digest.toString('base64')))).toBe('BadDigest');
    for (const header of [
      '',
      'XUFAKrxLKna5cZ2REBfFkg',
      'XUFAKrxLKna5cZ2REBfFkg==x',
      Buffer.alloc(20).toString('base64'),
    ]) {
      expect(
        codeOf(() => verifyContentMd5(body, header)),
        header,
      ).toBe('InvalidDigest');
    }
  });

  it('computes the multipart ETag as S3 does', () => {
    // Two parts whose MD5s are known: MD5('a') and MD5('b'); the ETag is MD5 of their 32 raw bytes.
    const parts = ['0cc175b9c0f1b6a831c399e269772661', '92eb5ffee6ae2fec3ad71c777531578f'];
    const expected = createHash('md5')
      .update(Buffer.from(parts.join(''), 'hex'))
      .digest('hex');
    expect(multipartEtag(parts)).toBe(`"${expected}-2"`);
    expect(bareEtag(multipartEtag(parts))).toBe(`${expected}-2`);
    expect(bareEtag('plain')).toBe('plain');
  });

  it('gives each refusal the status a real S3 server answers', () => {
    try {
      checkBucketName('NO');
    } catch (error) {
      expect((error as CatalogError).details).toMatchObject({ httpStatus: 400 });
    }
    expect.assertions(1);
  });
});
