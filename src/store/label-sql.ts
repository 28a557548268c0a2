import type { ShippingLabelAddress, ShippingLabelRecord } from './records.js';
import type { SqlExecutor } from './sql-executor.js';

/** A label row with its job IDs aggregated in position order (jsonb -> object, as both drivers return it). */
interface ShippingLabelRow {
  label_id: string;
  owner: string;
  address: ShippingLabelAddress;
  created_at: Date;
  job_ids: string[];
}

/** Inserts the label and one row per job (position = index in `jobIds`) in one transaction. */
export function insertShippingLabel(db: SqlExecutor, label: ShippingLabelRecord): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO shipping_labels (label_id, owner, address, created_at) VALUES ($1, $2, $3::jsonb, $4)`,
      [label.labelId, label.owner, JSON.stringify(label.address), label.createdAt],
    );
    if (label.jobIds.length === 0) return;
    await tx.query(
      `INSERT INTO shipping_label_jobs (label_id, position, job_id)
       SELECT $1, j.position::int, j.job_id FROM unnest($2::text[]) WITH ORDINALITY AS j (job_id, position)`,
      [label.labelId, label.jobIds],
    );
  });
}

/** The label, or null. */
export async function getShippingLabel(
  db: SqlExecutor,
  labelId: string,
): Promise<ShippingLabelRecord | null> {
  const rows = await db.query<ShippingLabelRow>(
    `SELECT l.label_id, l.owner, l.address, l.created_at, coalesce(
       (SELECT array_agg(j.job_id ORDER BY j.position) FROM shipping_label_jobs j WHERE j.label_id = l.label_id),
       '{}') AS job_ids
     FROM shipping_labels l WHERE l.label_id = $1`,
    [labelId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    labelId: row.label_id,
    owner: row.owner,
    jobIds: row.job_ids,
    address: row.address,
    createdAt: row.created_at,
  };
}
