import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { DeviceReadError } from './port.js';

/**
 * Random-access, read-only bytes of a device, a partition of it, or an image file. `read` fills
 * the whole range (it loops on the short reads a failing disk gives before its EIO) and returns
 * fewer bytes only at the end of the source. Failures are DeviceReadError with scope `device` and
 * the failing byte offset; readers turn them into per-file errors where they belong to a file.
 */
export interface BlockSource {
  /** What the operator named: a device node, an image file, or `<parent>#p<N>` for a partition. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** ENODEV, ENXIO, ESHUTDOWN...: the device went away (a USB bridge reset); nothing more will read. */
const DEVICE_GONE = new Set(['ENODEV', 'ENXIO', 'ENOMEDIUM', 'ESHUTDOWN']);

/** Maps a failed read to a DeviceReadError at `position`. */
export function readFailure(name: string, position: number, err: unknown): DeviceReadError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  if (err instanceof DeviceReadError) return err;
  return new DeviceReadError({
    code,
    operation: 'read',
    path: name,
    scope: 'device',
    offset: position,
    cause: err,
    message: DEVICE_GONE.has(code) ? `${name}: the device is gone (${code}) at byte ${position}` : undefined,
  });
}

/** True when a read failure means the whole device is gone, not one bad sector. */
export function deviceGone(err: unknown): boolean {
  return err instanceof DeviceReadError && DEVICE_GONE.has(err.code);
}

/** Size of a block device from sysfs (Node's stat() says 0 for block devices). */
async function blockDeviceSize(rdev: number): Promise<number> {
  const major = Math.floor(rdev / 256) & 0xfff; // glibc makedev layout for the common range
  const minor = (rdev & 0xff) | ((Math.floor(rdev / 0x100000) & 0xfff) << 8);
  const sectors = await fsp.readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
  return Number(sectors.trim()) * 512;
}

class FileBlockSource implements BlockSource {
  readonly name: string;
  readonly size: number;
  readonly #handle: FileHandle;
  #closed = false;

  constructor(name: string, size: number, handle: FileHandle) {
    this.name = name;
    this.size = size;
    this.#handle = handle;
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    let done = 0;
    while (done < wanted) {
      let n: number;
      try {
        ({ bytesRead: n } = await this.#handle.read(buffer, offset + done, wanted - done, position + done));
      } catch (err) {
        throw readFailure(this.name, position + done, err);
      }
      if (n === 0) break; // the file shrank under us: report what there is
      done += n;
    }
    return done;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}

/**
 * Opens a device node or image file read-only (O_NOATIME where the kernel allows it). Never
 * opens for writing. Codes are left to the caller: the errno of the failed open is thrown as is.
 */
export async function openBlockSource(path: string): Promise<BlockSource> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NOATIME);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    handle = await fsp.open(path, constants.O_RDONLY); // O_NOATIME needs ownership or CAP_FOWNER
  }
  try {
    const stat = await handle.stat();
    const size = stat.isBlockDevice() ? await blockDeviceSize(stat.rdev) : stat.size;
    return new FileBlockSource(path, size, handle);
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A failure of the parent re-expressed for a window: offsets from the window's start. */
function relativeTo(err: unknown, start: number, name: string): unknown {
  if (!(err instanceof DeviceReadError) || err.offset === null) return err;
  return new DeviceReadError({
    code: err.code,
    operation: err.operation,
    path: name,
    scope: err.scope,
    offset: err.offset - start,
    cause: err.cause ?? err,
  });
}

/** A window of another source: one partition. Reads past its end return short. */
export function sliceBlockSource(
  parent: BlockSource,
  start: number,
  size: number,
  name: string,
): BlockSource {
  const end = Math.min(start + size, parent.size);
  return {
    name,
    size: Math.max(0, end - start),
    async read(buffer, offset, length, position) {
      const wanted = Math.max(0, Math.min(length, end - start - position));
      try {
        return await parent.read(buffer, offset, wanted, start + position);
      } catch (err) {
        throw relativeTo(err, start, name);
      }
    },
    close: () => parent.close(),
  };
}
