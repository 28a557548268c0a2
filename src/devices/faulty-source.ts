import { readFailure, type BlockSource } from './block-source.js';

/** A byte range [start, end) that fails to read. */
export interface BadRange {
  readonly start: number;
  readonly end: number;
}

/**
 * FAULT INJECTION (tests and benchmarks only): a source whose reads fail with EIO on chosen byte
 * ranges, the way a disk with bad sectors does. As on a real device, a read that starts before a
 * bad range returns the good bytes first, then the read at the bad offset fails; the wrapped
 * source is never touched for bad bytes. `code` may be set to ENODEV to simulate a device that
 * is gone.
 */
export function faultySource(inner: BlockSource, badRanges: readonly BadRange[], code = 'EIO'): BlockSource {
  const sorted = [...badRanges].sort((a, b) => a.start - b.start);
  return {
    name: inner.name,
    size: inner.size,
    async read(buffer, offset, length, position) {
      const end = position + length;
      const hit = sorted.find((r) => r.start < end && r.end > position);
      if (!hit) return inner.read(buffer, offset, length, position);
      const good = Math.max(0, hit.start - position);
      if (good > 0) await inner.read(buffer, offset, good, position);
      const err = Object.assign(new Error(`${code}: injected fault`), { code });
      throw readFailure(inner.name, position + good, err);
    },
    close: () => inner.close(),
  };
}
