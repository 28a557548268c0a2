import type { BucketRecord } from './records.js';
import { bucketFromRow, type BucketRow } from './rows.js';
import type { SqlExecutor } from './sql-executor.js';

const SELECT_BUCKETS = `
  SELECT b.*, coalesce(
    (SELECT array_agg(g.access_key_id ORDER BY g.position) FROM bucket_grants g WHERE g.bucket = b.name),
    '{}') AS grants
  FROM buckets b`;

/** Inserts a bucket with its grants; false when the name is taken. */
export function insertBucket(db: SqlExecutor, bucket: BucketRecord): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO buckets (name, owner, region, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [bucket.name, bucket.owner, bucket.region, bucket.createdAt],
    );
    if (inserted.length === 0) return false;
    for (const grantee of bucket.grants) await insertGrant(tx, bucket.name, grantee);
    return true;
  });
}

/** The bucket with its grants, or null. */
export async function getBucket(db: SqlExecutor, name: string): Promise<BucketRecord | null> {
  const rows = await db.query<BucketRow>(`${SELECT_BUCKETS} WHERE b.name = $1`, [name]);
  return rows[0] === undefined ? null : bucketFromRow(rows[0]);
}

/** Adds a write grant (idempotent); null when the bucket does not exist. */
export function grantBucket(
  db: SqlExecutor,
  name: string,
  accessKeyId: string,
): Promise<BucketRecord | null> {
  return db.transaction(async (tx) => {
    await insertGrant(tx, name, accessKeyId);
    return getBucket(tx, name);
  });
}

/** Every bucket, by name. */
export async function listBuckets(db: SqlExecutor): Promise<BucketRecord[]> {
  const rows = await db.query<BucketRow>(`${SELECT_BUCKETS} ORDER BY b.name`);
  return rows.map(bucketFromRow);
}

/** Inserts nothing when the bucket is missing or the grant exists. */
async function insertGrant(tx: SqlExecutor, bucket: string, accessKeyId: string): Promise<void> {
  await tx.query(
    `INSERT INTO bucket_grants (bucket, access_key_id) SELECT name, $2 FROM buckets WHERE name = $1
     ON CONFLICT DO NOTHING`,
    [bucket, accessKeyId],
  );
}
