import { join } from 'node:path';
import type { S3TargetConfig } from '../config/index.js';
import { openEmbeddedStore, type ObjectStore } from '../storage/index.js';
import { openS3Store } from '../storage/s3/index.js';

/** The embedded bucket store's folder inside the data directory. */
export const OBJECTS_DIR = 'objects';

/**
 * The storage target (DECISIONS §7, §8): the S3-compatible endpoint of `--s3-endpoint` (path-style,
 * the service's own credentials), else the embedded bucket store in `<data-dir>/objects`.
 */
export async function openConfiguredStore(
  dataDir: string,
  s3: S3TargetConfig | undefined,
): Promise<ObjectStore> {
  if (!s3) return openEmbeddedStore(join(dataDir, OBJECTS_DIR));
  return openS3Store({
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.region,
  });
}
