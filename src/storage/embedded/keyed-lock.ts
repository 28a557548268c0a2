/**
 * Serialises async work per name inside one process: run(name, fn) starts fn once every earlier
 * run with the same name has settled. Different names run concurrently. fn's errors pass through.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` alone for `name` and returns its result. */
  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }

  /** Number of names with work queued or running (for tests). */
  get busyNames(): number {
    return this.tails.size;
  }
}
