import { deviceGone } from '../block-source.js';
import type { FatGeometry } from './boot-sector.js';
import type { FatTable } from './fat-table.js';

/**
 * A broken cluster chain (loop, free or bad cluster, pointer outside the volume, chain shorter
 * than the data) or a FAT read failure (`cause` set, `code` its errno). `clusterIndex` is the
 * position in the chain (0 = first cluster) where it broke.
 */
export class ChainError extends Error {
  readonly code: string;
  readonly clusterIndex: number;

  constructor(clusterIndex: number, reason: string, cause?: unknown) {
    super(reason, { cause });
    this.name = 'ChainError';
    this.clusterIndex = clusterIndex;
    this.code = cause ? ((cause as { code?: string }).code ?? 'EIO') : 'EBADCHAIN';
  }
}

/** `count` consecutive clusters from `first`. */
export interface ClusterRun {
  readonly first: number;
  readonly count: number;
}

const SET_LIMIT = 4096;

/**
 * Clusters seen on one chain. While the chain is one ascending run (most files) that run is all
 * it keeps; after the first jump, a Set, and a bitmap over the volume once the chain is long.
 */
class VisitedClusters {
  #first = -1;
  #last = -1;
  #set: Set<number> | null = null;
  #bits: Uint8Array | null = null;
  readonly #maxCluster: number;

  constructor(maxCluster: number) {
    this.#maxCluster = maxCluster;
  }

  /** Records `cluster`; false when it was already there (a loop). */
  add(cluster: number): boolean {
    if (this.#set === null && this.#bits === null) {
      if (this.#first < 0 || cluster === this.#last + 1) {
        if (this.#first < 0) this.#first = cluster;
        this.#last = cluster;
        return true;
      }
      if (cluster >= this.#first && cluster <= this.#last) return false;
      this.#leaveRun();
    }
    if (this.#set) {
      if (this.#set.has(cluster)) return false;
      this.#set.add(cluster);
      if (this.#set.size > SET_LIMIT) this.#toBitmap(this.#set);
      return true;
    }
    const bits = this.#bits as Uint8Array;
    const mask = 1 << (cluster & 7);
    if ((bits[cluster >> 3] ?? 0) & mask) return false;
    bits[cluster >> 3] = (bits[cluster >> 3] ?? 0) | mask;
    return true;
  }

  /** The first jump: the run seen so far moves into a Set (or a bitmap when long). */
  #leaveRun(): void {
    const run = Array.from({ length: this.#last - this.#first + 1 }, (_, i) => this.#first + i);
    if (run.length > SET_LIMIT) this.#toBitmap(run);
    else this.#set = new Set(run);
  }

  #toBitmap(clusters: Iterable<number>): void {
    const bits = new Uint8Array((this.#maxCluster >> 3) + 1);
    for (const c of clusters) bits[c >> 3] = (bits[c >> 3] ?? 0) | (1 << (c & 7));
    this.#bits = bits;
    this.#set = null;
  }
}

/** What a chain holds: a file's data (exactly enough clusters) or a directory (until its end). */
export type ChainKind = { kind: 'file'; clusters: number } | { kind: 'directory'; maxClusters: number };

/**
 * Walks a cluster chain as runs of consecutive clusters, following the FAT lazily. A file chain
 * yields exactly the clusters its size needs (a longer chain is fine, a shorter one is an error);
 * a directory chain ends at the end-of-chain mark and may not exceed `maxClusters`. Every
 * problem is a ChainError; a FAT read failure is a ChainError with its cause, unless the device
 * is gone, then the source's error is thrown as is.
 */
export class ChainCursor {
  readonly #table: FatTable;
  readonly #geometry: FatGeometry;
  readonly #shape: ChainKind;
  readonly #visited: VisitedClusters;
  #next: number | null;
  #done = 0;

  constructor(table: FatTable, geometry: FatGeometry, firstCluster: number, shape: ChainKind) {
    this.#table = table;
    this.#geometry = geometry;
    this.#shape = shape;
    this.#visited = new VisitedClusters(geometry.maxCluster);
    this.#next = firstCluster;
  }

  /** Clusters yielded so far. */
  get clustersDone(): number {
    return this.#done;
  }

  #limit(): number {
    return this.#shape.kind === 'file' ? this.#shape.clusters : this.#shape.maxClusters;
  }

  #visit(cluster: number, index: number): void {
    const { maxCluster, endOfChain } = this.#geometry;
    if (cluster < 2 || cluster > maxCluster) {
      const what =
        cluster === 0
          ? 'a free cluster'
          : cluster === endOfChain - 1
            ? 'a cluster marked bad'
            : `cluster ${cluster}, outside the volume (2..${maxCluster})`;
      throw new ChainError(index, `the chain points to ${what}`);
    }
    if (!this.#visited.add(cluster))
      throw new ChainError(index, `the chain loops back to cluster ${cluster}`);
  }

  async #entry(cluster: number, index: number): Promise<number> {
    try {
      return this.#table.peek(cluster) ?? (await this.#table.entry(cluster));
    } catch (err) {
      if (deviceGone(err)) throw err;
      throw new ChainError(index, `the FAT entry of cluster ${cluster} cannot be read`, err);
    }
  }

  /** The next run of at most `maxClusters` clusters, or null once the chain is complete. */
  async nextRun(maxClusters: number): Promise<ClusterRun | null> {
    const limit = this.#limit();
    if (this.#done >= limit && this.#shape.kind === 'file') return null;
    if (this.#next === null) {
      if (this.#shape.kind === 'directory') return null;
      throw new ChainError(this.#done, `the chain ends after ${this.#done} of ${limit} clusters`);
    }
    if (this.#done >= limit) throw new ChainError(this.#done, `the chain is longer than ${limit} clusters`);
    const first = this.#next;
    this.#visit(first, this.#done);
    let count = 1;
    let current = first;
    this.#next = null;
    while (this.#shape.kind === 'directory' || this.#done + count < limit) {
      const value = await this.#entry(current, this.#done + count);
      if (value >= this.#geometry.endOfChain) break;
      if (value !== current + 1 || count >= maxClusters || this.#done + count >= limit) {
        this.#next = value;
        break;
      }
      this.#visit(value, this.#done + count);
      current = value;
      count++;
    }
    this.#done += count;
    return { first, count };
  }
}
