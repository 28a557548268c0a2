/**
 * The adapters the bench measures, and the best-of-N bookkeeping for each: every run's seconds,
 * the fastest result per tree and mode, and the first error (after which the adapter is not run
 * again).
 */
import type { ImageKind } from './images.js';
import type { AdapterName } from './options.js';
import type { ChildResult } from './reader-child.js';
import type { AdapterFigures, AdapterRole } from './report.js';
import type { TreeManifest, TreeName } from './trees.js';

/** One adapter: how it is shown and what it reads. */
export interface AdapterSpec {
  readonly id: AdapterName;
  readonly name: string;
  readonly role: AdapterRole;
  readonly how: string;
  /** The image it reads, or null: it reads the tree directory itself. */
  readonly image: ImageKind | null;
}

/** Every adapter, in the table's order. */
export const ADAPTERS: readonly AdapterSpec[] = [
  {
    id: 'fat32',
    name: 'FAT32',
    role: 'userspace',
    how: 'src/devices/fat, own reader on the image',
    image: 'fat32',
  },
  {
    id: 'ext2',
    name: 'ext2',
    role: 'userspace',
    how: 'src/devices/ext, ext2fs (WASM) on the image',
    image: 'ext2',
  },
  {
    id: 'ext3',
    name: 'ext3',
    role: 'userspace',
    how: 'src/devices/ext, ext2fs (WASM) on the image',
    image: 'ext3',
  },
  {
    id: 'ntfs',
    name: 'NTFS (ntfs-3g)',
    role: 'fuse',
    how: 'src/devices/ntfs, read-only ntfs-3g FUSE mount of the image, then Node fs',
    image: 'ntfs',
  },
  {
    id: 'directory',
    name: 'directory (own disk)',
    role: 'reference',
    how: 'src/devices/directory, Node fs on the tree tar reads (kernel file system)',
    image: null,
  },
];

type Mode = 'read' | 'md5';

/** Measurements of one adapter while the bench runs. */
export class AdapterRuns {
  readonly spec: AdapterSpec;
  readonly #best = new Map<string, ChildResult>();
  readonly #seconds = new Map<string, number[]>();
  error: string | null = null;
  skipped: string | null = null;

  constructor(spec: AdapterSpec) {
    this.spec = spec;
  }

  /** False once it failed or was skipped. */
  get active(): boolean {
    return this.error === null && this.skipped === null;
  }

  /**
   * Checks `result` against the tree's manifest (file count, bytes, and with MD5 the digest) and
   * keeps it when it is the fastest so far. Throws an Error saying what differs.
   */
  record(tree: TreeManifest, mode: Mode, result: ChildResult): void {
    const name = tree.params.name;
    if (result.files !== tree.files || result.bytes !== tree.bytes) {
      throw new Error(
        `${name}: read ${result.files} files / ${result.bytes} bytes, the tree has ${tree.files} / ${tree.bytes}`,
      );
    }
    if (mode === 'md5' && result.digest !== tree.digest)
      throw new Error(`${name}: the files' MD5s differ from the tree's`);
    const key = `${name}/${mode}`;
    this.#seconds.set(key, [...(this.#seconds.get(key) ?? []), result.seconds]);
    const best = this.#best.get(key);
    if (!best || result.seconds < best.seconds) this.#best.set(key, result);
  }

  /** Seconds of every run of `tree` in `mode`, in order. */
  runs(tree: TreeName, mode: Mode): number[] {
    return this.#seconds.get(`${tree}/${mode}`) ?? [];
  }

  /** The fastest results, for the report. */
  figures(): AdapterFigures {
    const best = (tree: TreeName, mode: Mode) => this.#best.get(`${tree}/${mode}`) ?? null;
    return {
      name: this.spec.name,
      role: this.spec.role,
      how: this.spec.how,
      large: { read: best('large', 'read'), md5: best('large', 'md5') },
      small: { read: best('small', 'read'), md5: best('small', 'md5') },
      error: this.error,
      skipped: this.skipped,
    };
  }
}
