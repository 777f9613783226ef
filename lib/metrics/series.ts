import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { loadDeploymentContext, type DeploymentContext } from "./deployment-context";
import { ROLLUP_SECONDS } from "./ingest";
import { metricsPool } from "./pg-pool";
import { policyRuleOf } from "./policy-store";
import { resolveFloor } from "./resolve-floor";

export interface SeriesPoint {
  ts: string;
  value: number;
  sampleCount: number;
}

export type MarkerKind = "promotion" | "detection" | "rollback_started" | "rollback_completed";

export interface SeriesView {
  deployment: string;
  metric: string;
  from: string;
  to: string;
  maxPoints: number;
  direction: "higher_is_better" | "lower_is_better" | null;
  /** The line the live version is held to: the policy's floor now, or else the latest detection's. */
  floor: { value: number; source: string; origin: "policy" | "detection" } | null;
  floorUnavailable: string | null;
  /** One series per version with points in the range (live and prior always), each ≤ maxPoints. */
  series: { version: string; role: "live" | "prior" | "other"; points: SeriesPoint[] }[];
  /** Sustained breaches the evaluator confirmed: regression start to detection. */
  breaches: { detectionId: string; version: string; from: string; to: string; floorValue: number; floorSource: string }[];
  markers: { kind: MarkerKind; at: string; label: string }[];
  lastVerdict: string | null;
  lastEvaluatedAt: string | null;
}

export interface SeriesQuery {
  metric?: string;
  from: Date;
  to: Date;
  maxPoints: number;
}

const ROLLUP_MS = ROLLUP_SECONDS * 1000;
type Row = { lo: number[]; hi: number[] };

/**
 * The chart's data, downsampled in SQL to at most `maxPoints` per series by min/max buckets: each
 * bucket keeps its exact lowest and highest point. Ranges whose buckets are wider than a rollup
 * read the five-minute rollups (plus raw points at the two ragged ends); shorter ones read raw
 * points through the primary key.
 */
export async function getSeries(deploymentSlug: string, query: SeriesQuery): Promise<SeriesView> {
  const from = query.from.getTime();
  const to = query.to.getTime();
  if (!(from < to)) throw new AppError("VALIDATION", "query.from: must be before query.to");
  const context = await loadDeploymentContext({ slug: deploymentSlug });
  const policies = await db().rollbackPolicy.findMany({ where: { deploymentId: context.id }, orderBy: { metric: "asc" } });
  const metric = query.metric ?? policies[0]?.metric;
  if (!metric) throw new AppError("VALIDATION", "query.metric: required (this deployment has no rollback policy to take it from)");
  const policyRow = policies.find((p) => p.metric === metric) ?? null;

  const [series, detections, promotions, rollbacks] = await Promise.all([
    Promise.all(context.versions.map(async (v) => ({ v, points: await versionSeries(context.id, metric, v.id, from, to, query.maxPoints) }))),
    db().detection.findMany({
      where: { deploymentId: context.id, metric, regressionStartedAt: { lte: query.to }, detectedAt: { gte: query.from } },
      orderBy: { detectedAt: "asc" },
    }),
    db().promotion.findMany({
      where: { deploymentId: context.id, promotedAt: { gte: query.from, lte: query.to } },
      select: { promotedAt: true, versionId: true },
    }),
    db().rollbackOperation.findMany({
      where: {
        deploymentId: context.id,
        OR: [{ startedAt: { gte: query.from, lte: query.to } }, { completedAt: { gte: query.from, lte: query.to } }],
      },
      select: { startedAt: true, completedAt: true, toVersionId: true, kind: true },
    }),
  ]);

  const names = new Map(context.versions.map((v) => [v.id, v.version]));
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const markers: SeriesView["markers"] = [];
  for (const p of promotions) markers.push({ kind: "promotion", at: p.promotedAt.toISOString(), label: `${name(p.versionId)} promoted` });
  for (const d of detections) {
    if (d.detectedAt >= query.from && d.detectedAt <= query.to) markers.push({ kind: "detection", at: d.detectedAt.toISOString(), label: `detection on ${name(d.versionId)}` });
  }
  for (const r of rollbacks) {
    const what = r.kind === "REHEARSAL" ? "rehearsal" : "rollback";
    if (r.startedAt && r.startedAt >= query.from && r.startedAt <= query.to) markers.push({ kind: "rollback_started", at: r.startedAt.toISOString(), label: `${what} to ${name(r.toVersionId)} started` });
    if (r.completedAt && r.completedAt >= query.from && r.completedAt <= query.to) markers.push({ kind: "rollback_completed", at: r.completedAt.toISOString(), label: `${what} to ${name(r.toVersionId)} completed` });
  }
  markers.sort((a, b) => a.at.localeCompare(b.at));

  let floor: SeriesView["floor"] = null;
  let floorUnavailable: string | null = null;
  if (policyRow) {
    const rule = policyRuleOf(policyRow);
    const resolved = await resolveFloor(rule.floor, rule.direction, metric, context);
    if (resolved.kind === "established") floor = { value: resolved.value, source: resolved.source.description, origin: "policy" };
    else floorUnavailable = resolved.reason;
  }
  const latest = detections[detections.length - 1];
  if (!floor && latest) floor = { value: latest.floorValue, source: `${latest.floorSource} (at detection)`, origin: "detection" };

  return {
    deployment: context.slug,
    metric,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    maxPoints: query.maxPoints,
    direction: policyRow ? policyRuleOf(policyRow).direction : null,
    floor,
    floorUnavailable,
    series: series
      .map(({ v, points }) => ({ version: v.version, role: roleOf(context, v.id), points }))
      .filter((s) => s.points.length > 0 || s.role !== "other")
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.version.localeCompare(b.version)),
    breaches: detections.map((d) => ({
      detectionId: d.id,
      version: name(d.versionId),
      from: d.regressionStartedAt.toISOString(),
      to: d.detectedAt.toISOString(),
      floorValue: d.floorValue,
      floorSource: d.floorSource,
    })),
    markers,
    lastVerdict: policyRow?.lastVerdict ?? null,
    lastEvaluatedAt: policyRow?.lastEvaluatedAt?.toISOString() ?? null,
  };
}

const ROLE_ORDER = { live: 0, prior: 1, other: 2 } as const;

function roleOf(context: DeploymentContext, versionId: number): "live" | "prior" | "other" {
  if (context.live?.id === versionId) return "live";
  if (context.prior?.id === versionId) return "prior";
  return "other";
}

async function versionSeries(deploymentId: number, metric: string, versionId: number, from: number, to: number, maxPoints: number): Promise<SeriesPoint[]> {
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
  const points: SeriesPoint[] = [];
  for (const { lo, hi } of rows) {
    const [loValue, loTs, loCount] = lo as [number, number, number];
    const [hiValue, hiNegTs, hiCount] = hi as [number, number, number];
    points.push({ ts: new Date(Math.round(loTs)).toISOString(), value: loValue, sampleCount: loCount });
    if (-hiNegTs !== loTs) points.push({ ts: new Date(Math.round(-hiNegTs)).toISOString(), value: hiValue, sampleCount: hiCount });
  }
  return points.sort((a, b) => a.ts.localeCompare(b.ts));
}
