import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  generateJobId,
  JOB_ID_ALPHABET,
  normaliseJobId,
  parseSignatureFile,
  signatureFileContents,
  verifySignatureFile,
} from '../../../src/jobs/index.js';

const secret = Buffer.alloc(32, 7);
const manifest = 'manifestVersion: 2.0\r\nbucket: photos\r\n';

describe('job IDs (DECISIONS §1)', () => {
  it('are five characters without 0 or O', () => {
    for (let i = 0; i < 2000; i++) {
      const id = generateJobId();
      expect(id).toMatch(/^[1-9A-NP-Z]{5}$/);
    }
    expect(JOB_ID_ALPHABET).not.toMatch(/[0O]/);
    expect(JOB_ID_ALPHABET).toHaveLength(34);
  });

  it('are case-insensitive on input and upper-case on output', () => {
    expect(normaliseJobId(' ex1id ')).toBe('EX1ID');
    expect(normaliseJobId('EX0ID')).toBeNull();
    expect(normaliseJobId('EXOID')).toBeNull();
    expect(normaliseJobId('ABCDEF')).toBeNull();
  });
});

describe('SIGNATURE (DECISIONS §3)', () => {
  it('is base64 HMAC-SHA256 over jobId, newline, and the manifest with CRLF turned into LF', () => {
    const want = createHmac('sha256', secret)
      .update('ABCDE\nmanifestVersion: 2.0\nbucket: photos\n')
      .digest('base64');
    expect(computeSignature(secret, 'ABCDE', manifest)).toBe(want);
    expect(computeSignature(secret, 'ABCDE', manifest.replace(/\r\n/g, '\n'))).toBe(want);
  });

  it('writes four key:value lines and parses them back', () => {
    const text = signatureFileContents('ABCDE', 'c2ln');
    expect(text).toBe('version:2.0\nsigningMethod:HmacSHA256\njobId:ABCDE\nsignature:c2ln\n');
    expect(parseSignatureFile(text.replace(/\n/g, '\r\n'))).toEqual({
      version: '2.0',
      signingMethod: 'HmacSHA256',
      jobId: 'ABCDE',
      signature: 'c2ln',
    });
    expect(parseSignatureFile('version:2.0\njobId:ABCDE\n')).toBeNull();
  });

  it('verifies only for the same job, manifest and secret', () => {
    const job = { jobId: 'ABCDE', manifestText: manifest };
    const file = signatureFileContents('ABCDE', computeSignature(secret, 'ABCDE', manifest));
    expect(verifySignatureFile(secret, job, file)).toBe('valid');
    expect(verifySignatureFile(secret, { ...job, manifestText: manifest + 'prefix: x\n' }, file)).toBe(
      'mismatch',
    );
    expect(verifySignatureFile(Buffer.alloc(32, 8), job, file)).toBe('mismatch');
    expect(verifySignatureFile(secret, { ...job, jobId: 'ZZZZZ' }, file)).toBe('wrong-job');
    expect(verifySignatureFile(secret, job, 'hello')).toBe('malformed');
    expect(verifySignatureFile(secret, job, file.replace('HmacSHA256', 'HmacSHA1'))).toBe('malformed');
  });
});
