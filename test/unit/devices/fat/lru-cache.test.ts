import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../../src/devices/fat/lru-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entries past its capacity, telling onEvict of each', () => {
    const evicted: string[] = [];
    const cache = new LruCache<number, string>(2, (value) => evicted.push(value));
    cache.set(1, 'one');
    cache.set(2, 'two');
    expect(cache.get(1)).toBe('one'); // 2 is now the oldest
    cache.set(3, 'three');
    expect(evicted).toEqual(['two']);
    expect(cache.get(2)).toBeUndefined();
    expect([cache.get(1), cache.get(3)]).toEqual(['one', 'three']);
  });

  it('a value replaced under its key, and every value at clear(), count as evicted', () => {
    const evicted: string[] = [];
    const cache = new LruCache<number, string>(4, (value) => evicted.push(value));
    cache.set(1, 'old');
    cache.set(1, 'new');
    cache.set(1, 'new'); // the same value again is not dropped
    cache.set(2, 'two');
    expect(evicted).toEqual(['old']);
    cache.clear();
    expect(evicted).toEqual(['old', 'new', 'two']);
    expect(cache.size).toBe(0);
  });
});
