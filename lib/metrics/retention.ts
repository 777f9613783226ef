import "server-only";
import { env } from "@/lib/env";
import { deletePointsBefore } from "./sources/push/store";

/**
 * Deletes raw points (and their rollups) older than METRICS_RETENTION_DAYS. Detections,
 * incidents and the audit log are other tables and are never touched.
 */
export async function deleteExpiredPoints(now = Date.now()): Promise<{ points: number; rollups: number; cutoff: Date }> {
  const cutoff = new Date(now - env().METRICS_RETENTION_DAYS * 86_400_000);
  return { ...(await deletePointsBefore(cutoff)), cutoff };
}
