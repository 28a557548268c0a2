import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../../src/station/write-batcher.js';

/** A batcher whose writes are recorded and finish only when the test says so. */
function recorded() {
  const writes: string[][] = [];
  const finish: (() => void)[] = [];
  let fail: Error | null = null;
  const batcher = new WriteBatcher<string>(async (items) => {
    writes.push([...items]);
    await new Promise<void>((resolve) => finish.push(resolve));
    if (fail) throw fail;
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  /** Lets every write started so far, and every write they lead to, finish. */
  const settle = async () => {
    await tick();
    while (finish.length > 0) {
      finish.shift()!();
      await tick();
    }
  };
  return { batcher, writes, settle, failNext: (error: Error) => (fail = error) };
}

describe('WriteBatcher', () => {
  it('writes the items added during a write together in the next one, in order', async () => {
    const { batcher, writes, settle } = recorded();
    const first = batcher.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd'].map((item) => batcher.add(item));
    await settle();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('resolves an item only once its own batch is written', async () => {
    const { batcher, settle } = recorded();
    let written = false;
    void batcher.add('a').then(() => (written = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    await settle();
    expect(written).toBe(true);
  });

  it('runs `after` work once everything added before it is written; later items wait for it', async () => {
    const { batcher, writes, settle } = recorded();
    const order: string[] = [];
    void batcher.add('a');
    const synced = batcher.after(async () => {
      order.push(`sync after ${writes.flat().join('')}`);
    });
    void batcher.add('b');
    await settle();
    await synced;
    expect(order).toEqual(['sync after a']);
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('after a failed write, that batch and every later one reject with its error', async () => {
    const { batcher, settle, failNext } = recorded();
    failNext(new Error('ENOSPC'));
    const first = batcher.add('a').then(
      () => null,
      (error: unknown) => error,
    );
    await settle();
    expect(await first).toEqual(new Error('ENOSPC'));
    await expect(batcher.add('b')).rejects.toThrow('ENOSPC');
    await expect(batcher.after(async () => {})).rejects.toThrow('ENOSPC');
  });
});
