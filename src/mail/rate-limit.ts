/**
 * A sliding-window rate limit per key (e.g. per sender): at most `limit` events in any `windowMs`.
 * Memory stays bounded: keys whose events have all left the window are dropped, and past `maxKeys`
 * keys the oldest are forgotten first.
 */
export class SlidingWindowLimiter {
  readonly #events = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly now: () => number = Date.now,
    readonly maxKeys = 10_000,
  ) {}

  /** Records one event for `key` and returns true, or returns false (recording nothing) when over the limit. */
  take(key: string): boolean {
    const now = this.now();
    const since = now - this.windowMs;
    const recent = (this.#events.get(key) ?? []).filter((at) => at > since);
    if (recent.length >= this.limit) {
      this.#events.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#events.delete(key); // re-inserted last: the Map's order is least recently used first
    this.#events.set(key, recent);
    this.#prune(since);
    return true;
  }

  #prune(since: number): void {
    for (const [key, times] of this.#events) {
      if (this.#events.size <= this.maxKeys && (times.at(-1) ?? 0) > since) break;
      this.#events.delete(key);
    }
  }
}
