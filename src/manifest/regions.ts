import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { entriesOf, scalarText, type Ctx } from './context.js';
import { bucketNameProblem } from './formats.js';
import type { ExportManifest, ImportManifest, JobKind } from './types.js';

interface BucketRef {
  name: string;
  path: string;
  node: Node;
}

/** Every bucket a manifest names, without repeats: bucket, logBucket, then each exportBucket. */
export function referencedBuckets(m: ImportManifest | ExportManifest): string[] {
  const names =
    m.jobType === 'Import'
      ? [m.bucket, m.logBucket]
      : [m.logBucket, ...m.operations.map((o) => o.exportBucket)];
  return [...new Set(names)];
}

/**
 * MultipleRegionsException when the manifest's buckets resolve to more than one region; the issue
 * points at the first bucket field (in document order) that brings in a second region.
 */
export function checkRegions(
  ctx: Ctx,
  root: YAMLMap,
  regionOf: (bucket: string) => string | undefined,
): void {
  let first: { region: string; ref: BucketRef } | undefined;
  for (const ref of bucketRefs(root, ctx.jobType)) {
    const region = regionOf(ref.name);
    if (region === undefined) continue;
    if (!first) first = { region, ref };
    else if (region !== first.region) {
      const message = `'${ref.path}' names bucket '${ref.name}' in region ${region}, but '${first.ref.path}' is in ${first.region}; all buckets of a job must be in one region.`;
      ctx.fail('MultipleRegionsException', ref.path, ref.node, message);
      return;
    }
  }
}

/** Bucket fields with a valid name, in document order. */
function bucketRefs(root: YAMLMap, jobType: JobKind): BucketRef[] {
  const topLevel = jobType === 'Import' ? ['bucket', 'logBucket'] : ['logBucket'];
  const refs: BucketRef[] = [];
  for (const entry of entriesOf(root, '')) {
    if (topLevel.includes(entry.name)) pushRef(refs, entry.value, entry.path);
    if (entry.name === 'operations' && jobType === 'Export' && isSeq(entry.value)) {
      entry.value.items.forEach((item, i) => {
        if (!isMap(item)) return;
        const bucket = entriesOf(item, `operations[${i}]`).find((e) => e.name === 'exportBucket');
        if (bucket) pushRef(refs, bucket.value, bucket.path);
      });
    }
  }
  return refs.sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
}

function pushRef(refs: BucketRef[], node: Node | undefined, path: string): void {
  if (!isScalar(node)) return;
  const name = scalarText(node).trim();
  if (!bucketNameProblem(name)) refs.push({ name, path, node });
}
