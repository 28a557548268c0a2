// A first-come-first-served allowance of units (bytes of upload bodies held in memory, or files
// in flight). Waiters are served in order, so a large request is never starved by small ones.
// A request larger than the whole limit is granted when nothing else is held (so a single huge
// part can still go), which is the only case where more than `limit` is in use.

interface Waiter {
  readonly amount: number;
  readonly grant: () => void;
}

/** A counting semaphore over `limit` units, FIFO. */
export class Quota {
  private used = 0;
  private highest = 0;
  private readonly waiters: Waiter[] = [];

  /** `limit` must be positive. */
  constructor(readonly limit: number) {
    if (!(limit > 0)) throw new RangeError('a quota needs a positive limit');
  }

  /** Resolves once `amount` units are held by the caller (release them with `release`). Never rejects. */
  acquire(amount: number): Promise<void> {
    if (this.waiters.length === 0 && this.fits(amount)) {
      this.take(amount);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push({ amount, grant: () => resolve() });
    });
  }

  /** Gives back units taken by `acquire`, serving waiters in order. */
  release(amount: number): void {
    this.used -= amount;
    if (this.used < 0) throw new Error('a quota was released more than it was acquired');
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.amount)) {
      const next = this.waiters.shift()!;
      this.take(next.amount);
      next.grant();
    }
  }

  /** Units held now. */
  get inUse(): number {
    return this.used;
  }

  /** The most units ever held at once. */
  get peak(): number {
    return this.highest;
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.limit;
  }

  private take(amount: number): void {
    this.used += amount;
    this.highest = Math.max(this.highest, this.used);
  }
}
