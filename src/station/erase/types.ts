/** What is being erased: a block device (a whole disk) or an image file. */
export type EraseTargetKind = 'block-device' | 'image-file';

/** A device that passed every check and may be zero-filled. */
export interface EraseTarget {
  /** The path as given (`/dev/sdc`, `/srv/images/disk.img`). */
  readonly path: string;
  readonly kind: EraseTargetKind;
  /** Every byte of the device or file, not only the volume the load read. */
  readonly size: number;
}

/** One step of an erase, for progress displays (about one per 4 MiB written or per read sample). */
export interface EraseProgress {
  /** `write`: zero-filling; `verify`: reading samples back. */
  readonly phase: 'write' | 'verify';
  /** Bytes written (write) or read back (verify) so far. */
  readonly bytesDone: number;
  /** Bytes the phase will cover: the device size (write) or the bytes sampled (verify). */
  readonly bytesTotal: number;
  readonly elapsedSeconds: number;
  /** Rate of the phase so far, in bytes per second (0 at the start). */
  readonly bytesPerSecond: number;
}

/** How to erase: progress callback, interruption, and how many random blocks to read back. */
export interface EraseOptions {
  onProgress?: (progress: EraseProgress) => void;
  /** Aborting stops the erase between two chunks (the device is then partly erased). */
  signal?: AbortSignal;
  /** Random 4 KiB blocks read back after the write, besides the first and last MiB. Default 256. */
  sampleCount?: number;
  /** Random numbers in [0, 1) choosing the sampled blocks (tests make it predictable). */
  random?: () => number;
}

/** What a read-back of samples found. */
export interface VerifyResult {
  /** Regions read: the first MiB, the last MiB, and each random block. */
  readonly samples: number;
  readonly bytesChecked: number;
  /** True when the reads bypassed the page cache (O_DIRECT), so they saw what the medium holds. */
  readonly direct: boolean;
  /** Byte offset of the first non-zero byte found, or null when every sample read zeros. */
  readonly nonZeroOffset: number | null;
}

/** What a finished erase reports (printed by `station erase`, with --json as one object). */
export interface EraseResult {
  readonly path: string;
  readonly kind: EraseTargetKind;
  /** Bytes zero-filled: the whole device. */
  readonly bytes: number;
  readonly seconds: number;
  readonly bytesPerSecond: number;
  /** True when the writes bypassed the page cache (O_DIRECT, block devices only). */
  readonly directWrites: boolean;
  readonly verification: VerifyResult;
}
