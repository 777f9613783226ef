import "server-only";
import pg from "pg";
import { env } from "@/lib/env";

const holder = globalThis as unknown as { reversegateMetricsPool?: pg.Pool };

/**
 * The one `pg` pool for the metrics hot paths (bulk ingestion, downsampled series, floor
 * aggregates): Prisma sends row-by-row statements and cannot bind arrays for `unnest`, which is
 * what makes ingestion reach 100k points/s.
 */
export function metricsPool(): pg.Pool {
  if (!holder.reversegateMetricsPool) {
    holder.reversegateMetricsPool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: 8,
      application_name: "reversegate-metrics",
    });
    // An idle client's connection dropping (e.g. a database restart) must not crash the process;
    // the pool replaces it, and the next query reports any lasting problem.
    holder.reversegateMetricsPool.on("error", (error) => console.error("[metrics] idle database connection lost:", error.message));
  }
  return holder.reversegateMetricsPool;
}

export async function closeMetricsPool(): Promise<void> {
  const pool = holder.reversegateMetricsPool;
  holder.reversegateMetricsPool = undefined;
  await pool?.end();
}

/**
 * SQL for epoch milliseconds of a Prisma `DateTime` column (TIMESTAMP without a zone, holding
 * UTC): the driver would read such a column in the process's local zone.
 */
export const utcEpochMs = (column: string) => `(extract(epoch FROM (${column}) AT TIME ZONE 'UTC') * 1000)::float8`;
