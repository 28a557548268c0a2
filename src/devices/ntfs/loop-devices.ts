import { promises as fsp } from 'node:fs';
import { commandOutput, runCommand } from './commands.js';

/**
 * Attaches bytes [offset, offset + size) of `devicePath` to a free loop device, read-only
 * (`losetup -r -o OFFSET --sizelimit SIZE --show -f`), and returns its node (/dev/loopN).
 * `losetup -P` makes no partition nodes on this kind of kernel, hence one loop per partition.
 * Throws an Error with losetup's message when it fails.
 */
export async function attachLoop(devicePath: string, offset: number, size: number): Promise<string> {
  const args = ['-r', '-o', String(offset), '--sizelimit', String(size), '--show', '-f', devicePath];
  const result = await runCommand('losetup', args);
  const loop = result.stdout.trim();
  if (result.code !== 0 || !loop.startsWith('/dev/')) {
    throw new Error(`losetup ${devicePath} at ${offset} failed: ${commandOutput(result)}`);
  }
  return loop;
}

/** How long detachLoop waits for a loop device still held open (ntfs-3g exiting) to let go. */
const DETACH_WAIT_MS = 5_000;

/**
 * Detaches `loop` (`losetup -d`). A loop still held open (ntfs-3g exiting after an unmount) is
 * set by the kernel to clear itself when released: this waits up to DETACH_WAIT_MS for that,
 * then leaves it to the kernel. One already gone is fine. Throws an Error with losetup's message
 * otherwise.
 */
export async function detachLoop(loop: string): Promise<void> {
  const result = await runCommand('losetup', ['-d', loop]);
  if (result.code !== 0 && !/No such device|not found|No such file/i.test(result.stderr)) {
    throw new Error(`losetup -d ${loop} failed: ${commandOutput(result)}`);
  }
  const backingFile = `/sys/block/${loop.replace(/^\/dev\//, '')}/loop/backing_file`;
  for (const deadline = Date.now() + DETACH_WAIT_MS; Date.now() < deadline;) {
    if ((await readSys(backingFile)) === null) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readSys(path: string): Promise<string | null> {
  try {
    return (await fsp.readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

/** True when `loop` is attached to `devicePath` at `offset` (from sysfs). */
export async function loopBackedBy(loop: string, devicePath: string, offset: number): Promise<boolean> {
  const name = loop.replace(/^\/dev\//, '');
  const [backing, start, wanted] = await Promise.all([
    readSys(`/sys/block/${name}/loop/backing_file`),
    readSys(`/sys/block/${name}/loop/offset`),
    fsp.realpath(devicePath).catch(() => devicePath),
  ]);
  return backing === wanted && start === String(offset);
}

/** Every attached loop device whose backing file is `devicePath` at `offset`. */
export async function loopsBackedBy(devicePath: string, offset: number): Promise<string[]> {
  const names = await fsp.readdir('/sys/block').catch(() => [] as string[]);
  const loops = names.filter((name) => /^loop\d+$/.test(name)).map((name) => `/dev/${name}`);
  const matches = await Promise.all(loops.map((loop) => loopBackedBy(loop, devicePath, offset)));
  return loops.filter((_, i) => matches[i]);
}
