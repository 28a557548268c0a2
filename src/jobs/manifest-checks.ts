import { CatalogError, type CodeName, missingParameter } from '../catalog/index.js';
import {
  parseManifest,
  referencedBuckets,
  type ExportManifest,
  type ImportManifest,
  type ManifestIssue,
} from '../manifest/index.js';
import { requireBucket, requireWritable } from '../accounts/index.js';
import type { BucketRecord, JobType } from '../store/index.js';

export interface CheckedManifest {
  manifest: ImportManifest | ExportManifest;
  warnings: string[];
}

/** One catalog error for a list of issues: the first issue's code, naming every field with that code. */
export function manifestError(issues: readonly ManifestIssue[]): CatalogError {
  const code = issues[0]!.code as CodeName;
  const fields = issues.filter((i) => i.code === issues[0]!.code).map((i) => i.path || '(document)');
  return new CatalogError(code, { fields: fields.join(', ') }, { issues });
}

/**
 * The manifest steps of DECISIONS §5, in order: fields (MalformedManifest, Missing/InvalidManifestField,
 * address, customs, file system), key (InvalidAccessKeyIdException), buckets exist (NoSuchBucketException),
 * buckets writable (BucketPermissionException), one region (MultipleRegionsException).
 */
export async function checkManifest(
  text: string,
  jobType: JobType,
  caller: string,
  deps: { stationCountry: string; getBucket: (name: string) => Promise<BucketRecord | null> },
): Promise<CheckedManifest> {
  if (text.trim() === '') throw missingParameter('Manifest');
  const parsed = parseManifest(text, jobType, { stationCountry: deps.stationCountry });
  if (!parsed.ok) throw manifestError(parsed.issues);
  const { manifest } = parsed;
  if (manifest.accessKeyId !== undefined && manifest.accessKeyId !== caller) {
    throw new CatalogError('InvalidAccessKeyIdException', {}, { field: 'accessKeyId' });
  }
  const names = referencedBuckets(manifest);
  const buckets = new Map<string, BucketRecord>();
  for (const name of names) {
    buckets.set(name, requireBucket(name, await deps.getBucket(name)));
  }
  for (const bucket of buckets.values()) requireWritable(bucket, caller);
  const regions = new Set([...buckets.values()].map((b) => b.region));
  if (regions.size > 1) {
    const located = parseManifest(text, jobType, {
      stationCountry: deps.stationCountry,
      regionOf: (name) => buckets.get(name)?.region,
    });
    if (!located.ok) throw manifestError(located.issues);
    throw new CatalogError('MultipleRegionsException', { fields: names.join(', ') });
  }
  return { manifest, warnings: parsed.warnings };
}
