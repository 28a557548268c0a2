// Serialised, batched appends to one file. The loader writes a journal line before each upload and
// a log row after it: with many small files in flight that is thousands of tiny writes a second.
// Items added while a write is running wait and go out together in the next write, so the number
// of system calls follows the disk's pace, not the number of files; each caller's promise still
// settles only once its own item is written (the journal's "written before the upload" holds).

/** Appends items through `writeBatch`, one batch at a time, in the order they were added. */
export class WriteBatcher<T> {
  private tail: Promise<void> = Promise.resolve();
  private open: T[] | null = null;

  /** `writeBatch` writes the items it is given, in order; its rejection fails this batch and every later one. */
  constructor(private readonly writeBatch: (items: T[]) => Promise<void>) {}

  /** Resolves once `item` is written; rejects with the error of its write or of an earlier one. */
  add(item: T): Promise<void> {
    if (this.open !== null) {
      this.open.push(item);
      return this.tail;
    }
    const batch: T[] = [item];
    this.open = batch;
    this.tail = this.tail.then(() => {
      if (this.open === batch) this.open = null;
      return this.writeBatch(batch);
    });
    return this.tail;
  }

  /** Runs `work` once every item added so far is written (an fsync, a close); later items wait for it. */
  after(work: () => Promise<void>): Promise<void> {
    this.open = null;
    this.tail = this.tail.then(work);
    return this.tail;
  }
}
