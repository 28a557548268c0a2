import { timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerToken, tokenMatches } from '../../../src/api/admin/index.js';

// Spy on the real timingSafeEqual to prove every comparison goes through it with equal lengths.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const spy = vi.mocked(timingSafeEqual);
beforeEach(() => {
  spy.mockClear();
});

describe('tokenMatches', () => {
  it('accepts the exact token only', () => {
    expect(tokenMatches('a-very-long-admin-token', 'a-very-long-admin-token')).toBe(true);
    expect(tokenMatches('a-very-long-admin-tokeN', 'a-very-long-admin-token')).toBe(false);
    expect(tokenMatches('', 'a-very-long-admin-token')).toBe(false);
  });

  it.each([
    ['shorter', 'abc'],
    ['same length', 'a-very-long-admin-tokeX'],
    ['longer', 'a-very-long-admin-token-and-more'],
  ])('compares a %s token in constant time on equal-length buffers', (_label, given) => {
    tokenMatches(given, 'a-very-long-admin-token');
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]! as [Buffer, Buffer];
    expect(a.length).toBe(b.length);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc123', 'abc123'],
    ['bearer abc123', 'abc123'],
    ['Bearer   abc123 ', 'abc123'],
    [undefined, null],
    ['', null],
    ['Basic abc123', null],
    ['Bearer', null],
    ['Bearer a b', null],
  ])('%j -> %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
