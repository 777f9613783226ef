import "server-only";
import { env } from "@/lib/env";
import { metricsPool } from "./pg-pool";
import { checkPoint, type CheckedPoint } from "./point-check";

export interface IngestResult {
  /** Points that passed every check: stored now, or already stored by an earlier try. */
  accepted: number;
  /** Accepted points that were already stored (a retried batch). */
  duplicates: number;
  rejected: { index: number; error: string }[];
}

type Resolved = { deploymentId: number; versionId: number };

// Versions are immutable and a deployment never changes model, so a resolved pair stays true.
// Misses are not cached: a version registered a second ago must be accepted at once.
const resolvedCache = new Map<string, Resolved>();
const knownDeployments = new Map<string, number>();
const MAX_CACHE_ENTRIES = 50_000;
const UNIQUE_VIOLATION = "23505";
const pairKey = (deployment: string, version: string) => `${deployment}\u0000${version}`;

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

async function resolvePairs(points: readonly CheckedPoint[]): Promise<void> {
  const slugs = new Set<string>();
  const versions = new Set<string>();
  for (const p of points) {
    if (resolvedCache.has(pairKey(p.deployment, p.version))) continue;
    slugs.add(p.deployment);
    versions.add(p.version);
  }
  if (slugs.size === 0) return;
  if (resolvedCache.size > MAX_CACHE_ENTRIES) resolvedCache.clear();
  const { rows } = await metricsPool().query<{ deploymentId: number; slug: string; versionId: number | null; version: string | null }>(
    `SELECT d.id AS "deploymentId", d.slug, v.id AS "versionId", v.version
       FROM "Deployment" d
       LEFT JOIN "ModelVersion" v ON v."modelId" = d."modelId" AND v.version = ANY($2::text[])
      WHERE d.slug = ANY($1::text[])`,
    [[...slugs], [...versions]],
  );
  for (const row of rows) {
    knownDeployments.set(row.slug, row.deploymentId);
    if (row.versionId !== null && row.version !== null) {
      resolvedCache.set(pairKey(row.slug, row.version), { deploymentId: row.deploymentId, versionId: row.versionId });
    }
  }
}

/**
 * Checks and stores a batch of canary points. Good points are stored even when others are
 * refused; the primary key with `ON CONFLICT DO NOTHING` makes a retried batch store nothing twice.
 * One lookup query and one `INSERT … SELECT FROM unnest(…)` per batch, whatever its size.
 */
export async function ingestPoints(raw: readonly unknown[], now = Date.now()): Promise<IngestResult> {
  const oldest = now - env().METRICS_RETENTION_DAYS * 86_400_000;
  const rejected: IngestResult["rejected"] = [];
  const checked: CheckedPoint[] = [];
  const indexes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const result = checkPoint(raw[i], now, oldest);
    if (result.ok) {
      checked.push(result.point);
      indexes.push(i);
    } else {
      rejected.push({ index: i, error: result.error });
    }
  }
  await resolvePairs(checked);

  const n = checked.length;
  const deploymentIds: number[] = [];
  const metrics: string[] = [];
  const versionIds: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = checked[i] as CheckedPoint;
    const resolved = resolvedCache.get(pairKey(p.deployment, p.version));
    if (!resolved) {
      const error = knownDeployments.has(p.deployment)
        ? `version: "${p.version}" is not a registered version of the model deployed as "${p.deployment}"`
        : `deployment: no deployment "${p.deployment}"`;
      rejected.push({ index: indexes[i] as number, error });
      continue;
    }
    deploymentIds.push(resolved.deploymentId);
    metrics.push(p.metric);
    versionIds.push(resolved.versionId);
    times.push(p.ts);
    values.push(p.value);
    counts.push(p.sampleCount);
  }
  rejected.sort((a, b) => a.index - b.index);

  const stored = await storeResolvedPoints({ deploymentIds, metrics, versionIds, times, values, counts });
  return { accepted: deploymentIds.length, duplicates: deploymentIds.length - stored, rejected };
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
