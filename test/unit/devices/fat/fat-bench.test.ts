import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openFatVolume } from '../../../../src/devices/fat/index.js';
import type { DeviceEntry, DeviceReader } from '../../../../src/devices/port.js';
import { copyIn, makeImage, openImage, sha256 } from './fat-images.js';

// Speed, on demand only: FAT_BENCH=1 npx vitest run test/unit/devices/fat/fat-bench.test.ts
// A 1 GiB FAT32 image with one 256 MiB file and FAT_BENCH_FILES small files (default 3,000,
// 0–256 KiB log-uniform) is read from the page cache and compared with tar reading the source
// tree (`tar cf - | cat`, since GNU tar skips file contents when the archive is /dev/null).

const FILES = Number(process.env.FAT_BENCH_FILES ?? 3000);
const enabled = process.env.FAT_BENCH === '1';

let work: string;
let reader: DeviceReader;
const smallHashes = new Map<string, string>();

function buildTree(root: string): void {
  mkdirSync(join(root, 'small'), { recursive: true });
  const big = Buffer.alloc(256 * 1024 * 1024);
  for (let at = 0; at < big.length; at += 1 << 20) randomBytes(1 << 20).copy(big, at);
  writeFileSync(join(root, 'big.bin'), big);
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, 'small', `d${String(i % 50).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    const size = i % 97 === 0 ? 0 : Math.floor(Math.exp(Math.random() * Math.log(256 * 1024)));
    const bytes = randomBytes(size);
    writeFileSync(join(dir, `file ${i}.dat`), bytes);
    smallHashes.set(`small/d${String(i % 50).padStart(2, '0')}/file ${i}.dat`, sha256(bytes));
  }
}

async function drain(entry: DeviceEntry): Promise<number> {
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

describe.skipIf(!enabled)('FAT reader speed (FAT_BENCH=1)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(process.env.FAT_BENCH_DIR ?? tmpdir(), 'fat-bench-'));
    buildTree(join(work, 'src'));
    makeImage(join(work, 'fat.img'), 'FAT32', { kib: 1024 * 1024 });
    copyIn(join(work, 'fat.img'), join(work, 'src'));
    readFileSync(join(work, 'fat.img')); // into the page cache
    reader = await openFatVolume(await openImage(join(work, 'fat.img')), { timeZone: 'UTC' });
  }, 600_000);

  afterAll(async () => {
    await reader?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('large file and small files, against tar', { timeout: 600_000 }, async () => {
    const entries: DeviceEntry[] = [];
    for await (const entry of reader.walk()) if (entry.type === 'file') entries.push(entry);
    const big = entries.find((e) => e.path === 'big.bin') as DeviceEntry;
    const small = entries.filter((e) => e !== big);
    expect(small).toHaveLength(FILES);
    for (const entry of small.slice(0, 200)) {
      const chunks: Buffer[] = [];
      for await (const chunk of reader.openFile(entry)) chunks.push(chunk as Buffer);
      expect(sha256(Buffer.concat(chunks)), entry.path).toBe(smallHashes.get(entry.path));
    }
    let smallBytes = 0;
    const ms = await interleaved(5, {
      big: () => drain(big),
      small: async () => {
        smallBytes = 0;
        for (const entry of small) smallBytes += await drain(entry);
      },
      walk: async () => {
        for await (const _ of reader.walk());
      },
      tarBig: tar(join(work, 'src'), 'big.bin'),
      tarSmall: tar(join(work, 'src'), 'small'),
    });
    const bigBytes = big.size;
    const mbps = (bytes: number, time = 0) => (bytes / 1e6 / (time / 1000)).toFixed(0);
    const filesPerSecond = (time = 0) => (small.length / (time / 1000)).toFixed(0);
    const percent = (ours = 0, theirs = 0) => ((theirs / ours) * 100).toFixed(0);
    const lines = [
      `big file: ${mbps(bigBytes, ms.big)} MB/s; tar ${mbps(bigBytes, ms.tarBig)} MB/s (${percent(ms.big, ms.tarBig)}% of tar)`,
      `${small.length} small files, ${(smallBytes / 1e6).toFixed(0)} MB: ${filesPerSecond(ms.small)} files/s, ` +
        `${mbps(smallBytes, ms.small)} MB/s; tar ${filesPerSecond(ms.tarSmall)} files/s (${percent(ms.small, ms.tarSmall)}% of tar)`,
      `walk of ${small.length + 1} files and their directories: ${ms.walk?.toFixed(0)} ms`,
    ];
    console.log(lines.join('\n'));
    expect(smallBytes).toBe(small.reduce((sum, e) => sum + e.size, 0));
  });
});
