// Serialised, batched appends to one file. The loader writes a journal line before each upload and
// a log row after it: with many small files in flight that is thousands of tiny writes a second,
// each a trip through libuv's thread pool. Items added while a write is running wait and go out
// together in the next write; with a linger, a batch also waits up to `lingerMs` (or until it
// holds `maxItems`) for more items to join it. Each caller's promise settles only once its own
// item is written, so "the journal line is written before the upload starts" still holds.

/** How long a batch may wait for company before it is written. */
export interface Linger {
  readonly ms: number;
  readonly maxItems: number;
}

interface Batch<T> {
  readonly items: T[];
  readonly done: Promise<void>;
  /** Ends the batch's wait (the linger) at once. */
  readonly release: () => void;
}

/** Appends items through `writeBatch`, one batch at a time, in the order they were added. */
export class WriteBatcher<T> {
  private tail: Promise<void> = Promise.resolve();
  private open: Batch<T> | null = null;

  /**
   * `writeBatch` writes the items it is given, in order; its rejection fails this batch and every
   * later one. Without `linger` a batch is written as soon as the previous write has ended.
   */
  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly linger: Linger | null = null,
  ) {}

  /** Resolves once `item` is written; rejects with the error of its write or of an earlier one. */
  add(item: T): Promise<void> {
    const batch = (this.open ??= this.startBatch());
    batch.items.push(item);
    if (this.linger !== null && batch.items.length >= this.linger.maxItems) batch.release();
    return batch.done;
  }

  /** Ends the open batch's linger: it is written as soon as the write before it has ended. */
  flush(): void {
    this.open?.release();
  }

  /** Runs `work` once every item added so far is written (an fsync, a close); later items wait for it. */
  after(work: () => Promise<void>): Promise<void> {
    this.open?.release();
    this.open = null;
    this.tail = this.tail.then(work);
    return this.tail;
  }

  private startBatch(): Batch<T> {
    const items: T[] = [];
    let release = () => {};
    const linger = this.linger;
    const ready =
      linger === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, linger.ms);
            release = () => {
              clearTimeout(timer);
              resolve();
            };
          });
    const done = Promise.all([this.tail, ready]).then(() => {
      if (this.open?.items === items) this.open = null;
      return this.writeBatch(items);
    });
    this.tail = done;
    return { items, done, release: () => release() };
  }
}
