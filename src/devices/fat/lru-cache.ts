/**
 * A small least-recently-used map: `get` refreshes an entry, `set` evicts the oldest entries
 * once more than `capacity` are held, telling `onEvict` (if given) of each value it drops. Never
 * throws (unless onEvict does).
 */
export class LruCache<K, V> {
  readonly #capacity: number;
  readonly #entries = new Map<K, V>();
  readonly #onEvict: ((value: V) => void) | undefined;

  constructor(capacity: number, onEvict?: (value: V) => void) {
    this.#capacity = Math.max(1, capacity);
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    const replaced = this.#entries.get(key);
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (replaced !== undefined && replaced !== value) this.#onEvict?.(replaced);
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.entries().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value[0]);
      this.#onEvict?.(oldest.value[1]);
    }
  }

  clear(): void {
    const values = [...this.#entries.values()];
    this.#entries.clear();
    if (this.#onEvict) for (const value of values) this.#onEvict(value);
  }
}
