/**
 * What the mounted volumes' bitmaps and group descriptors may take of the ext library's heap
 * together. libext2fs loads both bitmaps whole at mount, into a WASM heap fixed at 16 MiB that
 * cannot grow; running out aborts the module (every later call fails) and can end the process.
 * Measured: 10.1 MiB mounted and read a 256 GiB ext4 volume; 12 MiB failed to mount.
 */
export const HEAP_BUDGET_BYTES = 10 * 1024 * 1024;

let reservedBytes = 0;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** A volume refused before mounting, because its metadata would not fit the heap (ENOMEM). */
export class HeapBudgetError extends Error {
  readonly code = 'ENOMEM';

  constructor(neededBytes: number, heldBytes: number) {
    super(
      neededBytes > HEAP_BUDGET_BYTES
        ? `its bitmaps need ${mib(neededBytes)} of the ext library's fixed heap, more than the ` +
            `${mib(HEAP_BUDGET_BYTES)} it can give (volumes up to about 250 GB fit)`
        : `other ext volumes open in this process hold ${mib(heldBytes)} of the ext library's ` +
            `heap and this one needs ${mib(neededBytes)}: close them first`,
    );
    this.name = 'HeapBudgetError';
  }
}

/**
 * Reserves `bytes` of the budget and returns the function that gives them back (call it once).
 * Throws HeapBudgetError when they do not fit beside what open volumes hold.
 */
export function reserveHeap(bytes: number): () => void {
  if (reservedBytes + bytes > HEAP_BUDGET_BYTES) throw new HeapBudgetError(bytes, reservedBytes);
  reservedBytes += bytes;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    reservedBytes -= bytes;
  };
}
