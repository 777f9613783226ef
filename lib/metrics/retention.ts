import "server-only";
import { env } from "@/lib/env";
import { dropPartitionsBefore, ensureDayPartitions } from "./sources/push/store";

const DAY_MS = 86_400_000;

/** How many days ahead the day partitions of metric points and rollups are made. */
export const PARTITION_DAYS_AHEAD = 7;

/**
 * The daily upkeep of the metric tables' day partitions: makes those of yesterday to a week
 * ahead where missing (ingestion also makes a missing day's on demand), and drops every day that
 * is wholly older than METRICS_RETENTION_DAYS, points and rollups alike, instead of deleting rows.
 * Detections, incidents and the audit log are other tables and are never touched.
 */
export async function maintainMetricPartitions(now = Date.now()): Promise<{ created: number; dropped: number; cutoff: Date }> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const days = Array.from({ length: PARTITION_DAYS_AHEAD + 2 }, (_, i) => today + (i - 1) * DAY_MS);
  const created = await ensureDayPartitions(days);
  const cutoff = new Date(now - env().METRICS_RETENTION_DAYS * DAY_MS);
  return { created, dropped: await dropPartitionsBefore(cutoff), cutoff };
}
