import { deviceGone, readFailure } from '../block-source.js';
import { DeviceReadError, type DeviceOperation } from '../port.js';

/**
 * ENOTCONN is what a FUSE mount answers once its daemon (ntfs-3g) has died: nothing below the
 * mount will read again, so it belongs to the device like ENODEV/ENXIO (block-source's set).
 */
const MOUNT_GONE = new Set(['ENOTCONN']);

/** The errno code of a failed call, or EIO when it has none. */
export function errnoCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** True when `err` means the whole device or mount is gone, not one bad file. */
export function isDeviceLevel(err: unknown): boolean {
  if (err instanceof DeviceReadError) return err.scope === 'device';
  return MOUNT_GONE.has(errnoCode(err)) || deviceGone(readFailure('', 0, err));
}

/**
 * Turns a failed fs call on `path` (volume-relative) into a DeviceReadError: scope `device` when
 * the device is gone (ENODEV, ENXIO, ENOTCONN...), else scope `file`.
 */
export function fsFailure(
  err: unknown,
  operation: DeviceOperation,
  path: string,
  offset: number | null = null,
): DeviceReadError {
  if (err instanceof DeviceReadError) return err;
  const code = errnoCode(err);
  const scope = isDeviceLevel(err) ? 'device' : 'file';
  const where = offset !== null ? ` at byte ${offset}` : '';
  const reason = err instanceof Error ? err.message : String(err);
  return new DeviceReadError({
    code,
    operation,
    path,
    scope,
    offset,
    cause: err,
    message:
      scope === 'device'
        ? `${operation} ${path || '/'}: the device is gone (${code})${where}`
        : `${operation} ${path || '/'} failed${where}: ${reason}`,
  });
}
