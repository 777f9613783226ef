import "server-only";
import type { MetricSample } from "../../types";
import { metricsPool } from "../../pg-pool";

// The one module that reads and writes stored metric points (MetricPoint) and their five-minute
// rollups (MetricRollup). Ingestion, retention and the `push` metric source all come through
// here; nothing else touches these tables.

/** One stored series: a metric of one version on one deployment. */
export type StoredSeries = { deploymentId: number; metric: string; versionId: number };

const UNIQUE_VIOLATION = "23505";

/** Width of a MetricRollup bucket. */
export const ROLLUP_SECONDS = 300;

const ROLLUP_MS = ROLLUP_SECONDS * 1000;

const POINTS_INSERT = `
    INSERT INTO "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount")
    SELECT d, m, v, to_timestamp(t / 1000.0), x, c
      FROM unnest($1::int[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[]) AS u(d, m, v, t, x, c)`;

// Folds new extremes into existing rollups; rows arrive in key order, so concurrent batches that
// touch the same buckets lock them in one order and cannot deadlock.
const ROLLUP_UPSERT = `
    INSERT INTO "MetricRollup" AS r ("deploymentId", metric, "versionId", "bucketStart", "minTs", "minValue", "minCount", "maxTs", "maxValue", "maxCount", points)
    SELECT d, m, v, b, lt, lv, lc, ht, hv, hc, n FROM rows ORDER BY d, m, v, b
    ON CONFLICT ("deploymentId", metric, "versionId", "bucketStart") DO UPDATE SET
      "minTs" = CASE WHEN (EXCLUDED."minValue", EXCLUDED."minTs") < (r."minValue", r."minTs") THEN EXCLUDED."minTs" ELSE r."minTs" END,
      "minCount" = CASE WHEN (EXCLUDED."minValue", EXCLUDED."minTs") < (r."minValue", r."minTs") THEN EXCLUDED."minCount" ELSE r."minCount" END,
      "minValue" = LEAST(EXCLUDED."minValue", r."minValue"),
      "maxTs" = CASE WHEN (EXCLUDED."maxValue", r."maxTs") > (r."maxValue", EXCLUDED."maxTs") THEN EXCLUDED."maxTs" ELSE r."maxTs" END,
      "maxCount" = CASE WHEN (EXCLUDED."maxValue", r."maxTs") > (r."maxValue", EXCLUDED."maxTs") THEN EXCLUDED."maxCount" ELSE r."maxCount" END,
      "maxValue" = GREATEST(EXCLUDED."maxValue", r."maxValue"),
      points = r.points + EXCLUDED.points`;

/*
 * Points and their five-minute rollups are written by one statement, so the two can never
 * disagree. Fresh batch (the common case): a plain insert (about two-thirds the cost of
 * `ON CONFLICT DO NOTHING`'s speculative insert) with the rollups computed here. Retried batch
 * (unique violation): `ON CONFLICT DO NOTHING`, and the rollups folded in SQL from RETURNING,
 * i.e. only from the points that were actually new. Epoch ms travel as float8, cheaper to
 * serialise than ISO strings.
 */
const FRESH_SQL = `
  WITH ins AS (${POINTS_INSERT} RETURNING 1),
  rows AS (
    SELECT d, m, v, to_timestamp(b / 1000.0) AS b, to_timestamp(lt / 1000.0) AS lt, lv, lc, to_timestamp(ht / 1000.0) AS ht, hv, hc, n
      FROM unnest($7::int[], $8::text[], $9::int[], $10::float8[], $11::float8[], $12::float8[], $13::int[], $14::float8[], $15::float8[], $16::int[], $17::int[])
        AS u(d, m, v, b, lt, lv, lc, ht, hv, hc, n)
  ), rolled AS (${ROLLUP_UPSERT})
  SELECT count(*)::int AS stored FROM ins`;

const RETRY_SQL = `
  WITH ins AS (${POINTS_INSERT} ON CONFLICT DO NOTHING RETURNING "deploymentId", metric, "versionId", ts, value, "sampleCount"),
  agg AS (
    SELECT "deploymentId" AS d, metric AS m, "versionId" AS v,
           to_timestamp(floor(date_part('epoch', ts) / ${ROLLUP_SECONDS}) * ${ROLLUP_SECONDS}) AS b,
           min(ARRAY[value, date_part('epoch', ts), "sampleCount"]) AS lo,
           max(ARRAY[value, -date_part('epoch', ts), "sampleCount"]) AS hi,
           count(*)::int AS n
      FROM ins GROUP BY 1, 2, 3, 4
  ), rows AS (
    SELECT d, m, v, b, to_timestamp(lo[2]) AS lt, lo[1] AS lv, lo[3]::int AS lc, to_timestamp(-hi[2]) AS ht, hi[1] AS hv, hi[3]::int AS hc, n FROM agg
  ), rolled AS (${ROLLUP_UPSERT})
  SELECT count(*)::int AS stored FROM ins`;

type Rollup = { d: number; m: string; v: number; b: number; lt: number; lv: number; lc: number; ht: number; hv: number; hc: number; n: number };

/** Each five-minute bucket's lowest and highest point (earliest on ties), as unnest columns. */
function rollupColumns(c: ResolvedColumns): unknown[][] {
  const buckets = new Map<string, Rollup>();
  for (let i = 0; i < c.times.length; i++) {
    const d = c.deploymentIds[i] as number;
    const m = c.metrics[i] as string;
    const v = c.versionIds[i] as number;
    const t = c.times[i] as number;
    const x = c.values[i] as number;
    const k = c.counts[i] as number;
    const b = Math.floor(t / ROLLUP_MS) * ROLLUP_MS;
    const key = `${d}\u0000${m}\u0000${v}\u0000${b}`;
    const r = buckets.get(key);
    if (!r) {
      buckets.set(key, { d, m, v, b, lt: t, lv: x, lc: k, ht: t, hv: x, hc: k, n: 1 });
      continue;
    }
    r.n += 1;
    if (x < r.lv || (x === r.lv && t < r.lt)) Object.assign(r, { lt: t, lv: x, lc: k });
    if (x > r.hv || (x === r.hv && t < r.ht)) Object.assign(r, { ht: t, hv: x, hc: k });
  }
  const rows = [...buckets.values()];
  const fields = ["d", "m", "v", "b", "lt", "lv", "lc", "ht", "hv", "hc", "n"] as const;
  return fields.map((f) => rows.map((r) => r[f]));
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
  const columns = [c.deploymentIds, c.metrics, c.versionIds, c.times, c.values, c.counts];
  type Stored = { stored: number };
  try {
    return (await metricsPool().query<Stored>(FRESH_SQL, [...columns, ...rollupColumns(c)])).rows[0]?.stored ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    return (await metricsPool().query<Stored>(RETRY_SQL, columns)).rows[0]?.stored ?? 0;
  }
}

/** A point sent for a key (deployment, metric, version, ts) that holds another value; `position` is its index in the columns. */
export type ConflictingPoint = { position: number; value: number; sampleCount: number };

/**
 * Of points that were not all new, those whose key already holds a different value or sample
 * count, with the stored one. Run after `storeResolvedPoints` (whose statement has committed),
 * so it sees what a concurrent batch stored too; a stored point is never overwritten.
 */
export async function conflictingPoints(c: ResolvedColumns): Promise<ConflictingPoint[]> {
  const { rows } = await metricsPool().query<ConflictingPoint>(
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

type Row = { lo: number[]; hi: number[] };

/**
 * The series in [from, to] downsampled in SQL to at most `maxPoints` by min/max buckets: each
 * bucket keeps its exact lowest and highest point. Ranges whose buckets are wider than a rollup
 * read the five-minute rollups (plus raw points at the two ragged ends); shorter ones read raw
 * points through the primary key.
 */
export async function downsampledPoints({ deploymentId, metric, versionId }: StoredSeries, from: number, to: number, maxPoints: number): Promise<MetricSample[]> {
  const buckets = Math.floor(maxPoints / 2);
  let rows: Row[];
  if ((to - from) / buckets < ROLLUP_MS) {
    ({ rows } = await metricsPool().query<Row>(
      `SELECT min(ARRAY[value, date_part('epoch', ts) * 1000, "sampleCount"]) AS lo,
              max(ARRAY[value, -date_part('epoch', ts) * 1000, "sampleCount"]) AS hi
         FROM "MetricPoint"
        WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
          AND ts >= to_timestamp($4::float8 / 1000.0) AND ts <= to_timestamp($5::float8 / 1000.0)
        GROUP BY width_bucket(date_part('epoch', ts) * 1000, $4::float8, $5::float8 + 1, $6::int)`,
      [deploymentId, metric, versionId, from, to, buckets],
    ));
  } else {
    // Output buckets are whole multiples of the rollup width on the rollup grid, so every rollup
    // falls inside exactly one of them (one extra bucket for the ragged start, hence `- 1`).
    const width = Math.ceil((to - from) / (buckets - 1) / ROLLUP_MS) * ROLLUP_MS;
    const origin = Math.floor(from / ROLLUP_MS) * ROLLUP_MS;
    const firstWhole = Math.ceil(from / ROLLUP_MS) * ROLLUP_MS;
    const lastWhole = Math.floor(to / ROLLUP_MS) * ROLLUP_MS;
    ({ rows } = await metricsPool().query<Row>(
      `WITH c AS (
         SELECT "minTs" AS t1, "minValue" AS v1, "minCount" AS c1, "maxTs" AS t2, "maxValue" AS v2, "maxCount" AS c2
           FROM "MetricRollup"
          WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
            AND "bucketStart" >= to_timestamp($6::float8 / 1000.0) AND "bucketStart" < to_timestamp($7::float8 / 1000.0)
         UNION ALL
         SELECT ts, value, "sampleCount", ts, value, "sampleCount"
           FROM "MetricPoint"
          WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
            AND ((ts >= to_timestamp($4::float8 / 1000.0) AND ts < to_timestamp($6::float8 / 1000.0))
              OR (ts >= to_timestamp($7::float8 / 1000.0) AND ts <= to_timestamp($5::float8 / 1000.0)))
       )
       SELECT min(ARRAY[v1, date_part('epoch', t1) * 1000, c1]) AS lo,
              max(ARRAY[v2, -date_part('epoch', t2) * 1000, c2]) AS hi
         FROM c
        GROUP BY floor((date_part('epoch', t1) * 1000 - $8::float8) / $9::float8)`,
      [deploymentId, metric, versionId, from, to, firstWhole, lastWhole, origin, width],
    ));
  }
  const points: MetricSample[] = [];
  for (const { lo, hi } of rows) {
    const [loValue, loTs, loCount] = lo as [number, number, number];
    const [hiValue, hiNegTs, hiCount] = hi as [number, number, number];
    points.push({ ts: Math.round(loTs), value: loValue, sampleCount: loCount });
    if (-hiNegTs !== loTs) points.push({ ts: Math.round(-hiNegTs), value: hiValue, sampleCount: hiCount });
  }
  return points.sort((a, b) => a.ts - b.ts);
}

const DELETE_BATCH = 50_000;

/**
 * Deletes points (and rollups) older than `cutoff`, in batches so no single statement holds locks
 * for long. Points arrive roughly in time order, so the oldest sit at the start of the heap and
 * each batch's scan stops early.
 */
export async function deletePointsBefore(cutoff: Date): Promise<{ points: number; rollups: number }> {
  let points = 0;
  for (;;) {
    const { rowCount } = await metricsPool().query(
      `DELETE FROM "MetricPoint" WHERE ctid IN (SELECT ctid FROM "MetricPoint" WHERE ts < $1 LIMIT ${DELETE_BATCH})`,
      [cutoff],
    );
    points += rowCount ?? 0;
    if ((rowCount ?? 0) < DELETE_BATCH) break;
  }
  const { rowCount } = await metricsPool().query(`DELETE FROM "MetricRollup" WHERE "bucketStart" < $1`, [cutoff]);
  return { points, rollups: rowCount ?? 0 };
}
