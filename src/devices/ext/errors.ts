import { deviceGone } from '../block-source.js';
import { DeviceReadError, type DeviceOperation } from '../port.js';

/**
 * Metadata that cannot be right (a block number outside the volume, a loop in a block map, a
 * dirent whose lengths do not fit...): EUCLEAN, "structure needs cleaning", as Linux says.
 */
export class ExtCorruption extends Error {
  readonly code = 'EUCLEAN';

  constructor(detail: string) {
    super(detail);
    this.name = 'ExtCorruption';
  }
}

/** Something the reader deliberately does not read (an encrypted inode...): EUNSUPPORTED. */
export class ExtUnsupported extends Error {
  readonly code = 'EUNSUPPORTED';

  constructor(detail: string) {
    super(detail);
    this.name = 'ExtUnsupported';
  }
}

/**
 * A read of the volume that failed. `position` is where the read started on the volume, `cause`
 * the source's DeviceReadError (its offset may be of the parent device when the source is a
 * partition slice, so it is only used when it falls inside the read).
 */
export class VolumeReadFailure extends Error {
  readonly code: string;
  readonly position: number;
  readonly length: number;

  constructor(cause: unknown, position: number, length: number, message?: string) {
    super(message ?? (cause instanceof Error ? cause.message : 'read failed'), { cause });
    this.name = 'VolumeReadFailure';
    this.code = (cause as { code?: string } | null)?.code ?? 'EIO';
    this.position = position;
    this.length = length;
  }

  /** How far into the failed read the bad byte is (0 when the source did not say). */
  get badByte(): number {
    const at = (this.cause as DeviceReadError | null)?.offset;
    if (typeof at !== 'number') return 0;
    const within = at - this.position;
    return within >= 0 && within < this.length ? within : 0;
  }
}

/** True when `err` (or what it wraps) says the whole device is gone. */
export function isDeviceGone(err: unknown): boolean {
  if (deviceGone(err)) return true;
  return err instanceof VolumeReadFailure && deviceGone(err.cause);
}

function codeOf(err: unknown): string {
  return (err as { code?: string } | null)?.code ?? 'EIO';
}

function reasonOf(err: unknown): string {
  if (err instanceof ExtCorruption) return `corrupt metadata: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Where a failure happened, for extFailure. */
export interface FailurePlace {
  readonly operation: DeviceOperation;
  readonly path: string;
  /** Byte offset in the file (reads) or null. */
  readonly offset?: number | null;
  /** Forces the scope (the root directory failing takes the whole volume). */
  readonly scope?: 'file' | 'device';
}

/**
 * The DeviceReadError for a failure at `place`: scope `device` with the device's code when the
 * device is gone, otherwise scope `file` (or `place.scope`) with the failure's code (EIO for a bad
 * sector, EUCLEAN for corrupt metadata, EUNSUPPORTED...). A DeviceReadError of scope `file`
 * (already made for an entry) or a closed volume's EBADF goes through as is.
 */
export function extFailure(err: unknown, place: FailurePlace): DeviceReadError {
  if (err instanceof DeviceReadError && (err.scope === 'file' || err.code === 'EBADF')) return err;
  const offset = place.offset ?? null;
  const where = offset != null ? ` at byte ${offset}` : '';
  const subject = `${place.operation} ${place.path || '/'}`;
  if (isDeviceGone(err)) {
    const gone = err instanceof VolumeReadFailure ? err.cause : err;
    const code = codeOf(gone);
    return new DeviceReadError({
      ...place,
      code,
      offset,
      scope: 'device',
      cause: gone,
      message: `${subject} failed: the device is gone (${code})`,
    });
  }
  return new DeviceReadError({
    ...place,
    code: codeOf(err),
    offset,
    scope: place.scope ?? 'file',
    cause: err,
    message: `${subject} failed${where}: ${reasonOf(err)}`,
  });
}

/** The mount-time error: scope `device`, operation `mount`, naming the source. */
export function mountError(
  sourceName: string,
  code: string,
  reason: string,
  cause?: unknown,
): DeviceReadError {
  return new DeviceReadError({
    code,
    operation: 'mount',
    path: sourceName,
    scope: 'device',
    cause,
    message: `cannot open ${sourceName} as ext2/3/4: ${reason}`,
  });
}
