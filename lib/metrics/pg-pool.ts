import "server-only";
import pg from "pg";
import { DATABASE_IDLE_CONNECTION_MS } from "@/lib/db";
import { env } from "@/lib/env";

const holder = globalThis as unknown as { reversegateMetricsPool?: pg.Pool; reversegateIngestPool?: pg.Pool };

function newPool(name: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: env().DATABASE_URL, max, application_name: name, idleTimeoutMillis: DATABASE_IDLE_CONNECTION_MS });
  // An idle client's connection dropping (e.g. a database restart) must not crash the process;
  // the pool replaces it, and the next query reports any lasting problem.
  pool.on("error", (error) => console.error(`[${name}] idle database connection lost:`, error.message));
  return pool;
}

/**
 * The `pg` pool for the metrics reads (downsampled series, floor aggregates, the chart's
 * context): Prisma sends row-by-row statements and cannot bind arrays for `unnest`.
 */
export function metricsPool(): pg.Pool {
  holder.reversegateMetricsPool ??= newPool("reversegate-metrics", 8);
  return holder.reversegateMetricsPool;
}

/**
 * The pool for writing points, apart from the reads: batches that fold into the same rollup rows
 * wait on each other's row locks, and holding the readers' connections while they wait would
 * make a flood of points stall every chart. Three, not tuned: more would mostly wait on those locks.
 */
export function ingestPool(): pg.Pool {
  holder.reversegateIngestPool ??= newPool("reversegate-ingest", 3);
  return holder.reversegateIngestPool;
}

export async function closeMetricsPool(): Promise<void> {
  const pools = [holder.reversegateMetricsPool, holder.reversegateIngestPool];
  holder.reversegateMetricsPool = undefined;
  holder.reversegateIngestPool = undefined;
  await Promise.all(pools.map((pool) => pool?.end()));
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
