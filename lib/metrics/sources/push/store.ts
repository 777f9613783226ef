import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { planChartRead, type ChartReadPlan, type ReadSegment } from "../../downsample";
import type { MetricSample } from "../../types";
import { arrayLiteral, ingestPool, metricsPool } from "../../pg-pool";

// The one module that reads and writes stored metric points (MetricPoint), their one-minute,
// five-minute and hourly rollups (MetricRollupMinute, MetricRollup, MetricRollupHourly) and the
// day partitions of all four.
// Ingestion, retention and the `push` metric source all come through here; nothing else touches
// these tables.

/** One stored series: a metric of one version on one deployment. */
export type StoredSeries = { deploymentId: number; metric: string; versionId: number };

const UNIQUE_VIOLATION = "23505";
/** What PostgreSQL answers for a row whose day has no partition yet (`no partition of relation … found for row`). */
const CHECK_VIOLATION = "23514";

/** Width of a MetricRollup bucket. */
export const ROLLUP_SECONDS = 300;

const MINUTE_MS = 60_000;
const ROLLUP_MS = ROLLUP_SECONDS * 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The rollup levels a chart may read, coarsest first, and their tables. */
const ROLLUP_TABLES = new Map<number, string>([
  [HOUR_MS, "MetricRollupHourly"],
  [ROLLUP_MS, "MetricRollup"],
  [MINUTE_MS, "MetricRollupMinute"],
]);
/** The stored rollup widths in ms, coarsest first, as `planChartRead` takes them. */
export const ROLLUP_LEVELS_MS = [...ROLLUP_TABLES.keys()];

const POINTS_INSERT = `
    INSERT INTO "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount")
    SELECT d, m, v, to_timestamp(t / 1000.0), x, c
      FROM unnest($1::int[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[]) AS u(d, m, v, t, x, c)`;

// Folds new extremes into existing rollups; rows arrive in key order, so concurrent batches that
// touch the same buckets lock them in one order and cannot deadlock.
const rollupUpsert = (table: string, rows: string) => `
    INSERT INTO "${table}" AS r ("deploymentId", metric, "versionId", "bucketStart", "minTs", "minValue", "minCount", "maxTs", "maxValue", "maxCount", points)
    SELECT d, m, v, b, lt, lv, lc, ht, hv, hc, n FROM ${rows} ORDER BY d, m, v, b
    ON CONFLICT ("deploymentId", metric, "versionId", "bucketStart") DO UPDATE SET
      "minTs" = CASE WHEN (EXCLUDED."minValue", EXCLUDED."minTs") < (r."minValue", r."minTs") THEN EXCLUDED."minTs" ELSE r."minTs" END,
      "minCount" = CASE WHEN (EXCLUDED."minValue", EXCLUDED."minTs") < (r."minValue", r."minTs") THEN EXCLUDED."minCount" ELSE r."minCount" END,
      "minValue" = LEAST(EXCLUDED."minValue", r."minValue"),
      "maxTs" = CASE WHEN (EXCLUDED."maxValue", r."maxTs") > (r."maxValue", EXCLUDED."maxTs") THEN EXCLUDED."maxTs" ELSE r."maxTs" END,
      "maxCount" = CASE WHEN (EXCLUDED."maxValue", r."maxTs") > (r."maxValue", EXCLUDED."maxTs") THEN EXCLUDED."maxCount" ELSE r."maxCount" END,
      "maxValue" = GREATEST(EXCLUDED."maxValue", r."maxValue"),
      points = r.points + EXCLUDED.points`;

/** Rollup rows passed as the 11 unnest arrays starting at parameter `first`. */
const rollupRows = (first: number) => `(
    SELECT d, m, v, to_timestamp(b / 1000.0) AS b, to_timestamp(lt / 1000.0) AS lt, lv, lc, to_timestamp(ht / 1000.0) AS ht, hv, hc, n
      FROM unnest(${["int", "text", "int", "float8", "float8", "float8", "int", "float8", "float8", "int", "int"].map((type, i) => `$${first + i}::${type}[]`).join(", ")})
        AS u(d, m, v, b, lt, lv, lc, ht, hv, hc, n))`;

/** Each `seconds`-wide bucket's lowest and highest point (earliest on ties) of the points just stored. */
const rollupsOfInserted = (seconds: number) => `(
    SELECT d, m, v, b, to_timestamp(lo[2]) AS lt, lo[1] AS lv, lo[3]::int AS lc, to_timestamp(-hi[2]) AS ht, hi[1] AS hv, hi[3]::int AS hc, n
      FROM (SELECT "deploymentId" AS d, metric AS m, "versionId" AS v,
                   to_timestamp(floor(date_part('epoch', ts) / ${seconds}) * ${seconds}) AS b,
                   min(ARRAY[value, date_part('epoch', ts), "sampleCount"]) AS lo,
                   max(ARRAY[value, -date_part('epoch', ts), "sampleCount"]) AS hi,
                   count(*)::int AS n
              FROM ins GROUP BY 1, 2, 3, 4) agg)`;

/*
 * A fresh batch (the common case) is one transaction: the points by binary COPY, which PostgreSQL
 * writes many rows at a time (about a quarter less of its CPU than INSERT … SELECT FROM unnest),
 * then their one-minute, five-minute and hourly rollups computed here, in one statement, so points
 * and rollups can never disagree. A retried batch (unique violation) is one statement instead: `ON
 * CONFLICT DO NOTHING`, and the rollups folded in SQL from RETURNING, i.e. only from the points
 * that were actually new. Epoch ms travel as float8, cheaper to serialise than ISO strings.
 */
const COPY_POINTS = `COPY "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount") FROM STDIN (FORMAT binary)`;

const ROLLUPS_SQL = `
  WITH rolledMinute AS (${rollupUpsert("MetricRollupMinute", rollupRows(1))}),
  rolled AS (${rollupUpsert("MetricRollup", rollupRows(12))})
  ${rollupUpsert("MetricRollupHourly", rollupRows(23))}`;

const RETRY_SQL = `
  WITH ins AS (${POINTS_INSERT} ON CONFLICT DO NOTHING RETURNING "deploymentId", metric, "versionId", ts, value, "sampleCount"),
  rolledMinute AS (${rollupUpsert("MetricRollupMinute", rollupsOfInserted(MINUTE_MS / 1000))}),
  rolled AS (${rollupUpsert("MetricRollup", rollupsOfInserted(ROLLUP_SECONDS))}),
  rolledHourly AS (${rollupUpsert("MetricRollupHourly", rollupsOfInserted(HOUR_MS / 1000))})
  SELECT count(*)::int AS stored FROM ins`;

type Rollup = { d: number; m: string; v: number; b: number; lt: number; lv: number; lc: number; ht: number; hv: number; hc: number; n: number };

/** Folds `p` into `r`, a rollup of the same series and bucket (the earliest extreme on ties). */
function merge(r: Rollup, p: Rollup): void {
  r.n += p.n;
  if (p.lv < r.lv || (p.lv === r.lv && p.lt < r.lt)) Object.assign(r, { lt: p.lt, lv: p.lv, lc: p.lc });
  if (p.hv > r.hv || (p.hv === r.hv && p.ht < r.ht)) Object.assign(r, { ht: p.ht, hv: p.hv, hc: p.hc });
}

/** Folds finer rollups into the `widthMs` buckets they fall in. */
function coarsen(rollups: Iterable<Rollup>, widthMs: number): Rollup[] {
  const buckets = new Map<string, Rollup>();
  for (const p of rollups) {
    const b = Math.floor(p.b / widthMs) * widthMs;
    const key = `${p.d}\u0000${p.m}\u0000${p.v}\u0000${b}`;
    const r = buckets.get(key);
    if (r) merge(r, p);
    else buckets.set(key, { ...p, b });
  }
  return [...buckets.values()];
}

/**
 * Each series' one-minute rollups of the points. Runs for every point ingested (tens of thousands
 * a second), so a point costs a few map lookups and no allocation: series are found through
 * nested maps (metric, deployment, version) rather than a key string built for each point.
 */
function minuteRollups(c: ResolvedColumns): Rollup[] {
  const series = new Map<string, Map<number, Map<number, Map<number, Rollup>>>>();
  const rollups: Rollup[] = [];
  for (let i = 0; i < c.times.length; i++) {
    const d = c.deploymentIds[i] as number;
    const m = c.metrics[i] as string;
    const v = c.versionIds[i] as number;
    const t = c.times[i] as number;
    const x = c.values[i] as number;
    const k = c.counts[i] as number;
    let ofMetric = series.get(m);
    if (!ofMetric) series.set(m, (ofMetric = new Map()));
    let ofDeployment = ofMetric.get(d);
    if (!ofDeployment) ofMetric.set(d, (ofDeployment = new Map()));
    let buckets = ofDeployment.get(v);
    if (!buckets) ofDeployment.set(v, (buckets = new Map()));
    const b = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const r = buckets.get(b);
    if (!r) {
      const rollup = { d, m, v, b, lt: t, lv: x, lc: k, ht: t, hv: x, hc: k, n: 1 };
      buckets.set(b, rollup);
      rollups.push(rollup);
      continue;
    }
    r.n += 1;
    if (x < r.lv || (x === r.lv && t < r.lt)) {
      r.lt = t;
      r.lv = x;
      r.lc = k;
    }
    if (x > r.hv || (x === r.hv && t < r.ht)) {
      r.ht = t;
      r.hv = x;
      r.hc = k;
    }
  }
  return rollups;
}

const ROLLUP_FIELDS = ["d", "m", "v", "b", "lt", "lv", "lc", "ht", "hv", "hc", "n"] as const;
const asColumns = (rows: readonly Rollup[]) => ROLLUP_FIELDS.map((f) => rows.map((r) => r[f]));

/** Each one-minute, five-minute and hourly bucket's lowest and highest point, as three sets of unnest columns. */
function rollupColumns(c: ResolvedColumns): (number | string)[][] {
  const minute = minuteRollups(c);
  const fiveMinute = coarsen(minute, ROLLUP_MS);
  const hourly = coarsen(fiveMinute, HOUR_MS);
  return [...asColumns(minute), ...asColumns(fiveMinute), ...asColumns(hourly)];
}

/**
 * Runs a write of points at `times`; when a day among them has no partition yet (the worker makes
 * them a week ahead, so this is a point from further back or a worker that has not run), makes
 * the missing days' partitions and runs it again, so an accepted point is never lost to this.
 */
async function withDayPartitions<T>(times: readonly number[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: string }).code !== CHECK_VIOLATION || !/no partition/.test((error as Error).message)) throw error;
    await ensureDayPartitions([...new Set(times.map((t) => Math.floor(t / DAY_MS) * DAY_MS))]);
    return write();
  }
}

/** Makes the partitions of the UTC days that start at `days` (epoch ms) where missing; answers how many tables it made. */
export async function ensureDayPartitions(days: readonly number[]): Promise<number> {
  const { rows } = await metricsPool().query<{ created: number }>(
    `SELECT "ensure_metric_partitions"(ARRAY(SELECT (to_timestamp(d / 1000.0) AT TIME ZONE 'UTC')::date FROM unnest($1::float8[]) AS d)) AS created`,
    [days],
  );
  return rows[0]?.created ?? 0;
}

/** Drops every partition whose whole day is before `cutoff`; answers how many tables it dropped. */
export async function dropPartitionsBefore(cutoff: Date): Promise<number> {
  const { rows } = await metricsPool().query<{ dropped: number }>(`SELECT "drop_metric_partitions_before"($1) AS dropped`, [cutoff]);
  return rows[0]?.dropped ?? 0;
}

/** The UTC days that have a MetricPoint partition, oldest first (epoch ms of each day's start). */
export async function partitionDays(): Promise<number[]> {
  const { rows } = await metricsPool().query<{ day: number }>(
    `SELECT (extract(epoch FROM to_date(right(c.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') * 1000)::float8 AS day
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '"MetricPoint"'::regclass
      ORDER BY 1`,
  );
  return rows.map((r) => r.day);
}

/** Columns of points whose ids are already resolved; `times` in epoch ms. */
export interface ResolvedColumns {
  deploymentIds: number[];
  metrics: string[];
  versionIds: number[];
  times: number[];
  values: number[];
  counts: number[];
}

/** Stores checked, resolved points with their rollups; answers how many were new. */
export async function storeResolvedPoints(c: ResolvedColumns): Promise<number> {
  if (c.deploymentIds.length === 0) return 0;
  try {
    await withDayPartitions(c.times, () => storeFresh(c));
    return c.times.length;
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    const columns = [c.deploymentIds, c.metrics, c.versionIds, c.times, c.values, c.counts].map(arrayLiteral);
    return withDayPartitions(c.times, async () => (await ingestPool().query<{ stored: number }>(RETRY_SQL, columns)).rows[0]?.stored ?? 0);
  }
}

/** Stores a batch none of whose points is stored yet, with its rollups, in one transaction; throws (having stored nothing) otherwise. */
async function storeFresh(c: ResolvedColumns): Promise<void> {
  const rows = copyRows(c);
  const rollups = rollupColumns(c).map(arrayLiteral);
  const client = await ingestPool().connect();
  let broken: Error | undefined;
  // pg-pool takes its own 'error' listener off a client it hands out: a connection lost between
  // two of these queries (a database restarting) would otherwise crash the process.
  const lost = (error: Error) => (broken = error);
  client.on("error", lost);
  try {
    await client.query("BEGIN");
    await pipeline(Readable.from([rows]), client.query(copyFrom(COPY_POINTS)));
    await client.query(ROLLUPS_SQL, rollups);
    await client.query("COMMIT");
  } catch (error) {
    // A connection that cannot even roll back is closed rather than handed to the next batch.
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off("error", lost);
    client.release(broken);
  }
}

/** PostgreSQL's timestamps count microseconds from 2000-01-01. */
const PG_EPOCH_MS = 946_684_800_000;
const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * The points in COPY's binary format (PostgreSQL docs, "COPY … Binary Format"): a header, then
 * per row a field count and each field as its length and its bytes in network order (int4,
 * text, int4, timestamptz, float8, int4), then -1. Nothing to escape, and floats go over exactly.
 */
function copyRows(c: ResolvedColumns): Buffer {
  const encoded = new Map<string, Buffer>();
  let size = COPY_SIGNATURE.length + 8 + 2;
  for (const metric of c.metrics) {
    let bytes = encoded.get(metric);
    if (bytes === undefined) encoded.set(metric, (bytes = Buffer.from(metric, "utf8")));
    size += 2 + 6 * 4 + 4 + bytes.length + 4 + 8 + 8 + 4;
  }
  const buffer = Buffer.allocUnsafe(size);
  // A DataView's setters compile to plain stores: a Buffer's write methods check each call.
  const view = new DataView(buffer.buffer, buffer.byteOffset, size);
  let at = COPY_SIGNATURE.copy(buffer, 0);
  view.setInt32(at, 0); // flags
  view.setInt32(at + 4, 0); // header extension length
  at += 8;
  for (let i = 0; i < c.times.length; i++) {
    const metric = encoded.get(c.metrics[i] as string) as Buffer;
    const micros = (Math.round(c.times[i] as number) - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / 2 ** 32);
    view.setInt16(at, 6);
    view.setInt32(at + 2, 4);
    view.setInt32(at + 6, c.deploymentIds[i] as number);
    view.setInt32(at + 10, metric.length);
    at += 14;
    for (let j = 0; j < metric.length; j++) buffer[at + j] = metric[j] as number;
    at += metric.length;
    view.setInt32(at, 4);
    view.setInt32(at + 4, c.versionIds[i] as number);
    view.setInt32(at + 8, 8);
    view.setInt32(at + 12, high);
    view.setUint32(at + 16, micros - high * 2 ** 32);
    view.setInt32(at + 20, 8);
    view.setFloat64(at + 24, c.values[i] as number);
    view.setInt32(at + 32, 4);
    view.setInt32(at + 36, c.counts[i] as number);
    at += 40;
  }
  view.setInt16(at, -1);
  return buffer;
}

/** A point sent for a key (deployment, metric, version, ts) that holds another value; `position` is its index in the columns. */
export type ConflictingPoint = { position: number; value: number; sampleCount: number };

/**
 * Of points that were not all new, those whose key already holds a different value or sample
 * count, with the stored one. Run after `storeResolvedPoints` (whose statement has committed),
 * so it sees what a concurrent batch stored too; a stored point is never overwritten.
 */
export async function conflictingPoints(c: ResolvedColumns): Promise<ConflictingPoint[]> {
  const { rows } = await ingestPool().query<ConflictingPoint>(
    `SELECT (u.i - 1)::int AS position, p.value, p."sampleCount"
       FROM unnest($1::int[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[]) WITH ORDINALITY AS u(d, m, v, t, x, c, i)
       JOIN "MetricPoint" p ON p."deploymentId" = u.d AND p.metric = u.m AND p."versionId" = u.v AND p.ts = to_timestamp(u.t / 1000.0)::timestamptz(3)
      WHERE p.value <> u.x OR p."sampleCount" <> u.c`,
    [c.deploymentIds, c.metrics, c.versionIds, c.times, c.values, c.counts],
  );
  return rows;
}

/** Every stored point of the series in [from, to] (epoch ms), oldest first. */
export async function readPoints({ deploymentId, metric, versionId }: StoredSeries, from: number, to: number): Promise<MetricSample[]> {
  const { rows } = await metricsPool().query<{ ts: number; value: number; sampleCount: number }>(
    `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ts, value, "sampleCount"
       FROM "MetricPoint"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
        AND ts >= to_timestamp($4::float8 / 1000.0) AND ts <= to_timestamp($5::float8 / 1000.0)
      ORDER BY ts`,
    [deploymentId, metric, versionId, from, to],
  );
  return rows;
}

/** Just after the series' last point before `before`, or null when it has none (one index probe). */
export async function lastPointBefore({ deploymentId, metric, versionId }: StoredSeries, before: number): Promise<number | null> {
  const { rows } = await metricsPool().query<{ last: Date | null }>(
    `SELECT max(ts) AS last FROM "MetricPoint"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3 AND ts < to_timestamp($4::float8 / 1000.0)`,
    [deploymentId, metric, versionId, before],
  );
  const last = rows[0]?.last;
  return last ? last.getTime() + 1 : null;
}

/**
 * The series' points aggregated in SQL into the same buckets `establishPriorFloor` uses (counted
 * back from `until`): one weighted-mean sample per bucket gives the identical floor while moving
 * a few hundred rows instead of 60,000.
 */
export async function bucketMeans(
  { deploymentId, metric, versionId }: StoredSeries,
  until: number,
  lookbackDays: number,
  bucketSeconds: number,
): Promise<MetricSample[]> {
  const bucketMs = bucketSeconds * 1000;
  const { rows } = await metricsPool().query<{ k: number; mean: number; weight: number }>(
    `SELECT floor(($4::float8 - 1 - extract(epoch FROM ts) * 1000) / $5::float8)::int AS k,
            sum(value * "sampleCount") / sum("sampleCount") AS mean,
            sum("sampleCount")::float8 AS weight
       FROM "MetricPoint"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
        AND ts >= to_timestamp(($4::float8 - $6::float8) / 1000.0) AND ts < to_timestamp($4::float8 / 1000.0)
        AND "sampleCount" > 0
      GROUP BY 1`,
    [deploymentId, metric, versionId, until, bucketMs, lookbackDays * 86_400_000],
  );
  return rows.map((r) => ({ ts: until - 1 - r.k * bucketMs, value: r.mean, sampleCount: r.weight }));
}

type Row = { versionId: number; lv: number; lt: number; lc: number; hv: number; ht: number; hc: number };

/** One stretch of a chart's read for some of its versions; `at` places a ragged end's rollup row. */
export interface VersionsRead extends ReadSegment {
  versionIds: readonly number[];
  at?: number;
}

/** Where a version's lowest and highest points of one minute lie (its one-minute rollup). */
export interface MinuteExtremes {
  versionId: number;
  bucketStart: number;
  minTs: number;
  maxTs: number;
}

/**
 * Splits a plan's reads by version. A ragged end inside one minute is read from that minute's
 * rollup for each version whose lowest and highest points of the minute both lie inside the end:
 * they are then the end's extremes too, earliest on ties included. A version with no rollup row
 * has no point there; the others read raw points. Under a flood of points a day's chart spent
 * ten times longer on the raw minute at its end than on the rest of the day.
 */
export function versionReads(plan: ChartReadPlan, versionIds: readonly number[], minutes: readonly MinuteExtremes[]): VersionsRead[] {
  const reads: VersionsRead[] = [];
  for (const segment of plan.segments) {
    const minute = Math.floor(segment.from / MINUTE_MS) * MINUTE_MS;
    if (segment.levelMs !== 0 || plan.bucketMs < MINUTE_MS || segment.to > minute + MINUTE_MS) {
      reads.push({ ...segment, versionIds });
      continue;
    }
    const inside = new Set<number>();
    const rolledUp = new Set<number>();
    for (const m of minutes) {
      if (m.bucketStart !== minute) continue;
      rolledUp.add(m.versionId);
      if (m.minTs >= segment.from && m.minTs < segment.to && m.maxTs >= segment.from && m.maxTs < segment.to) inside.add(m.versionId);
    }
    if (inside.size) reads.push({ levelMs: MINUTE_MS, from: minute, to: minute + MINUTE_MS, versionIds: [...inside], at: segment.from });
    const raw = versionIds.filter((id) => rolledUp.has(id) && !inside.has(id));
    if (raw.length) reads.push({ ...segment, versionIds: raw });
  }
  return reads;
}

/** The one-minute rollups' extremes of the minutes in which a plan's raw reads lie. */
async function minuteExtremes({ deploymentId, metric, versionIds }: { deploymentId: number; metric: string; versionIds: readonly number[] }, plan: ChartReadPlan): Promise<MinuteExtremes[]> {
  if (plan.bucketMs < MINUTE_MS) return [];
  const starts = [...new Set(plan.segments.filter((s) => s.levelMs === 0).map((s) => Math.floor(s.from / MINUTE_MS) * MINUTE_MS))];
  if (!starts.length) return [];
  const { rows } = await metricsPool().query<MinuteExtremes>(
    `SELECT "versionId", date_part('epoch', "bucketStart") * 1000 AS "bucketStart", date_part('epoch', "minTs") * 1000 AS "minTs", date_part('epoch', "maxTs") * 1000 AS "maxTs"
       FROM "MetricRollupMinute"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = ANY($3::int[]) AND "bucketStart" = ANY(ARRAY(SELECT to_timestamp(unnest($4::float8[]) / 1000.0)))`,
    [deploymentId, metric, versionIds, starts],
  );
  return rows.map((r) => ({ versionId: r.versionId, bucketStart: Math.round(r.bucketStart), minTs: Math.round(r.minTs), maxTs: Math.round(r.maxTs) }));
}

/**
 * Each version's series in [from, to] downsampled in SQL to at most `maxPoints` by min/max
 * buckets, in one statement for all versions: each bucket keeps its exact lowest and highest
 * point. `planChartRead` picks what is read: the coarsest rollups no wider than a bucket (hourly
 * for a month, five-minute for a week, one-minute for a day), with the ragged ends from finer
 * rollups and raw points (`versionReads`).
 */
export async function downsampledPoints(
  { deploymentId, metric, versionIds }: { deploymentId: number; metric: string; versionIds: readonly number[] },
  from: number,
  to: number,
  maxPoints: number,
): Promise<Map<number, MetricSample[]>> {
  const plan = planChartRead(from, to, maxPoints, ROLLUP_LEVELS_MS);
  const reads = versionReads(plan, versionIds, await minuteExtremes({ deploymentId, metric, versionIds }, plan));
  const values: unknown[] = [deploymentId, metric, from, plan.bucketMs, plan.buckets];
  const parts = reads.map(({ levelMs, from: a, to: b, versionIds: ids, at }) => {
    values.push(ids, a, b);
    const n = values.length;
    const range = (column: string) => `${column} >= to_timestamp($${n - 1}::float8 / 1000.0) AND ${column} < to_timestamp($${n}::float8 / 1000.0)`;
    const table = ROLLUP_TABLES.get(levelMs);
    const series = `"deploymentId" = $1 AND metric = $2 AND "versionId" = ANY($${n - 2}::int[])`;
    if (at !== undefined) values.push(at);
    const start = at === undefined ? `"bucketStart"` : `to_timestamp($${values.length}::float8 / 1000.0)`;
    return table
      ? `SELECT "versionId", ${start} AS at, "minTs" AS t1, "minValue" AS v1, "minCount" AS c1, "maxTs" AS t2, "maxValue" AS v2, "maxCount" AS c2
           FROM "${table}" WHERE ${series} AND ${range(`"bucketStart"`)}`
      : `SELECT "versionId", ts AS at, ts AS t1, value AS v1, "sampleCount" AS c1, ts AS t2, value AS v2, "sampleCount" AS c2
           FROM "MetricPoint" WHERE ${series} AND ${range("ts")}`;
  });
  const byVersion = new Map<number, MetricSample[]>(versionIds.map((id) => [id, []]));
  if (!parts.length) return byVersion;
  // Each bucket's lowest (earliest on ties) and highest (earliest on ties) point, as scalars:
  // array columns would cost more to parse than the query takes.
  const { rows } = await metricsPool().query<Row>(
    `SELECT "versionId", lo[1] AS lv, lo[2] AS lt, lo[3] AS lc, hi[1] AS hv, -hi[2] AS ht, hi[3] AS hc
       FROM (SELECT "versionId", min(ARRAY[v1, date_part('epoch', t1) * 1000, c1]) AS lo, max(ARRAY[v2, -date_part('epoch', t2) * 1000, c2]) AS hi
               FROM (${parts.join(" UNION ALL ")}) c
              GROUP BY "versionId", least(floor((date_part('epoch', at) * 1000 - $3::float8) / $4::float8), $5::int - 1)) b`,
    values,
  );
  for (const r of rows) {
    const points = byVersion.get(r.versionId);
    if (!points) continue;
    points.push({ ts: Math.round(r.lt), value: r.lv, sampleCount: r.lc });
    if (r.ht !== r.lt) points.push({ ts: Math.round(r.ht), value: r.hv, sampleCount: r.hc });
  }
  for (const points of byVersion.values()) points.sort((a, b) => a.ts - b.ts);
  return byVersion;
}
