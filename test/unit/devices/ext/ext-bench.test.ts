import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import { sha256 } from '../ext2fs/ext-images.js';
import { makeImage, openWith, type ExtKind } from './ext-oracle.js';

// Speed, on demand only: EXT_BENCH=1 npx vitest run test/unit/devices/ext/ext-bench.test.ts
// 1 GiB ext2 and ext4 images (mke2fs -d) holding one 256 MiB file and EXT_BENCH_FILES small files
// (default 10,000, 0-16 KiB) are read from the page cache and compared with tar reading the
// source tree (`tar cf - | cat`: GNU tar skips reading file contents when the archive is /dev/null).
// EXT_BENCH_ORACLE=1 also times the libext2fs reader once.

const FILES = Number(process.env.EXT_BENCH_FILES ?? 10_000);
const enabled = process.env.EXT_BENCH === '1';
const withOracle = process.env.EXT_BENCH_ORACLE === '1';
let work: string;
const smallHashes = new Map<string, string>();

function buildTree(root: string): void {
  const big = Buffer.alloc(256 * 2 ** 20);
  for (let at = 0; at < big.length; at += 2 ** 20) randomBytes(2 ** 20).copy(big, at);
  mkdirSync(join(root, 'small'), { recursive: true });
  writeFileSync(join(root, 'big.bin'), big);
  for (let i = 0; i < FILES; i++) {
    const path = `small/d${String(i % 100).padStart(2, '0')}/file ${i}.dat`;
    mkdirSync(join(root, path, '..'), { recursive: true });
    const bytes = randomBytes(Math.floor(Math.random() * 16385));
    writeFileSync(join(root, path), bytes);
    smallHashes.set(path, sha256(bytes));
  }
}

async function drain(reader: DeviceReader, entry: DeviceEntry): Promise<number> {
  let bytes = 0;
  for await (const chunk of reader.openFile(entry)) bytes += (chunk as Buffer).length;
  return bytes;
}

/** Best time (ms) of each named run, the runs interleaved round after round. */
async function interleaved(
  rounds: number,
  runs: Record<string, () => unknown>,
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const started = performance.now();
      await run();
      best[name] = Math.min(best[name] ?? Infinity, performance.now() - started);
    }
  }
  return best;
}

const tar = (cwd: string, what: string) => () =>
  execFileSync('bash', ['-c', `tar cf - ${what} | cat > /dev/null`], { cwd });

async function files(reader: DeviceReader): Promise<DeviceEntry[]> {
  const entries: DeviceEntry[] = [];
  for await (const entry of reader.walk()) if (entry.type === 'file') entries.push(entry);
  return entries;
}

async function measure(kind: ExtKind, which: 'ours' | 'oracle', rounds: number): Promise<string> {
  const image = join(work, `${kind}.img`);
  readFileSync(image); // into the page cache
  const { reader, close } = await openWith(which, image, kind);
  try {
    const entries = await files(reader);
    const big = entries.find((e) => e.path === 'big.bin') as DeviceEntry;
    const small = entries.filter((e) => e !== big);
    expect(small).toHaveLength(FILES);
    for (const entry of small.slice(0, 300)) {
      const chunks: Buffer[] = [];
      for await (const chunk of reader.openFile(entry)) chunks.push(chunk as Buffer);
      expect(sha256(Buffer.concat(chunks)), entry.path).toBe(smallHashes.get(entry.path));
    }
    let smallBytes = 0;
    const src = join(work, 'src');
    const ms = await interleaved(rounds, {
      big: () => drain(reader, big),
      small: async () => {
        smallBytes = 0;
        for (const entry of small) smallBytes += await drain(reader, entry);
      },
      walk: () => files(reader),
      tarBig: tar(src, 'big.bin'),
      tarSmall: tar(src, 'small'),
    });
    const mbps = (bytes: number, time = 0) => (bytes / 1e6 / (time / 1000)).toFixed(0);
    const perSecond = (time = 0) => (small.length / (time / 1000)).toFixed(0);
    const percent = (ours = 0, theirs = 0) => ((theirs / ours) * 100).toFixed(0);
    return [
      `${kind} (${which}) big file: ${mbps(big.size, ms.big)} MB/s; tar ${mbps(big.size, ms.tarBig)} MB/s ` +
        `(${percent(ms.big, ms.tarBig)}% of tar)`,
      `${kind} (${which}) ${small.length} small files, ${(smallBytes / 1e6).toFixed(0)} MB: ` +
        `${perSecond(ms.small)} files/s, ${mbps(smallBytes, ms.small)} MB/s; tar ${perSecond(ms.tarSmall)} files/s ` +
        `(${percent(ms.small, ms.tarSmall)}% of tar)`,
      `${kind} (${which}) walk of ${entries.length} files and their directories: ${ms.walk?.toFixed(0)} ms`,
    ].join('\n');
  } finally {
    await close();
  }
}

describe.skipIf(!enabled)('ext reader speed (EXT_BENCH=1)', () => {
  beforeAll(() => {
    work = mkdtempSync(join(process.env.EXT_BENCH_DIR ?? tmpdir(), 'ext-bench-'));
    buildTree(join(work, 'src'));
    for (const kind of ['ext2', 'ext4'] as const) {
      makeImage({ kind, blockSize: 4096, size: '1G' }, join(work, 'src'), join(work, `${kind}.img`));
    }
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test.each(['ext2', 'ext4'] as ExtKind[])(
    '%s: large file and small files, against tar',
    { timeout: 600_000 },
    async (kind) => {
      console.log(await measure(kind, 'ours', 5));
      if (withOracle) console.log(await measure(kind, 'oracle', 1));
    },
  );
});
