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

const NEEDS_ESCAPE = /["\\]/;

/**
 * PostgreSQL's text form of an array, for a `$n::type[]` parameter: one join, where `pg` would
 * escape each element on its own (at 100,000 points/s that cost more than the insert). Numbers
 * must be finite; strings are always quoted, so one spelled NULL stays a string.
 */
export function arrayLiteral(values: readonly (number | string)[]): string {
  if (values.length === 0) return "{}";
  if (typeof values[0] === "number") return `{${values.join(",")}}`;
  let text = "{";
  for (let i = 0; i < values.length; i++) {
    const value = String(values[i]);
    text += `${i === 0 ? "" : ","}"${NEEDS_ESCAPE.test(value) ? value.replace(/["\\]/g, "\\$&") : value}"`;
  }
  return `${text}}`;
}

/**
 * SQL for epoch milliseconds of a Prisma `DateTime` column (TIMESTAMP without a zone, holding
 * UTC): the driver would read such a column in the process's local zone.
 */
export const utcEpochMs = (column: string) => `(extract(epoch FROM (${column}) AT TIME ZONE 'UTC') * 1000)::float8`;
