import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateAccessKeyId,
  generateSecretAccessKey,
  isAccessKeyId,
  SecretBox,
} from '../../../src/accounts/index.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(sealed).not.toContain('wJalrXUtnFEMI');
    expect(box.open(sealed)).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses another key and tampered text', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other!').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => box.open('garbage')).toThrow(/unknown format/);
  });
});

describe('access keys', () => {
  it('look like AWS keys', () => {
    const id = generateAccessKeyId();
    expect(isAccessKeyId(id)).toBe(true);
    expect(id).toHaveLength(20);
    expect(generateSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(new Set(Array.from({ length: 100 }, generateAccessKeyId)).size).toBe(100);
  });
});
