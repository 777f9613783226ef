import "server-only";
import { env } from "@/lib/env";
import { metricsPool } from "./pg-pool";

const BATCH = 50_000;

/**
 * Deletes raw points (and their rollups) older than METRICS_RETENTION_DAYS, in batches so no
 * single statement holds locks for long. Detections, incidents and the audit log are other
 * tables and are never touched. Points arrive roughly in time order, so the oldest sit at the
 * start of the heap and each batch's scan stops early.
 */
export async function deleteExpiredPoints(now = Date.now()): Promise<{ points: number; rollups: number; cutoff: Date }> {
  const cutoff = new Date(now - env().METRICS_RETENTION_DAYS * 86_400_000);
  let points = 0;
  for (;;) {
    const { rowCount } = await metricsPool().query(
      `DELETE FROM "MetricPoint" WHERE ctid IN (SELECT ctid FROM "MetricPoint" WHERE ts < $1 LIMIT ${BATCH})`,
      [cutoff],
    );
    points += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) break;
  }
  const { rowCount } = await metricsPool().query(`DELETE FROM "MetricRollup" WHERE "bucketStart" < $1`, [cutoff]);
  return { points, rollups: rowCount ?? 0, cutoff };
}
