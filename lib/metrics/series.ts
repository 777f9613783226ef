import "server-only";
import { AppError } from "@/lib/errors";
import { loadDeploymentContext, type DeploymentContext } from "./deployment-context";
import { metricsPool, utcEpochMs } from "./pg-pool";
import { policyRuleOf, type PolicyRuleColumns } from "./policy-store";
import { resolveFloor } from "./resolve-floor";
import { metricSourceFor } from "./sources/for-policy";
import { MetricSourceError, type MetricSource } from "./sources/source";

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
  /** Why the metric source could not give the series (they are empty then), or null. */
  sourceError: string | null;
}

export interface SeriesQuery {
  metric?: string;
  from: Date;
  to: Date;
  maxPoints: number;
}

/**
 * The chart's data: each version's series from the policy's metric source, at most `maxPoints`
 * each (the source keeps every bucket's lowest and highest point), with the floor, the confirmed
 * breaches and the promotion, detection and rollback markers in the range. A metric without a
 * policy is read from the pushed points.
 */
export async function getSeries(deploymentSlug: string, query: SeriesQuery): Promise<SeriesView> {
  const from = query.from.getTime();
  const to = query.to.getTime();
  if (!(from < to)) throw new AppError("VALIDATION", "query.from: must be before query.to");
  const [context, policies] = await Promise.all([loadDeploymentContext({ slug: deploymentSlug }), chartPolicies(deploymentSlug)]);
  const metric = query.metric ?? policies[0]?.metric;
  if (!metric) throw new AppError("VALIDATION", "query.metric: required (this deployment has no rollback policy to take it from)");
  const policyRow = policies.find((p) => p.metric === metric) ?? null;
  const source = metricSourceFor(policyRow ?? { sourceKind: "push", sourceConfig: {} });
  const rule = policyRow ? policyRuleOf(policyRow) : null;

  const [{ series, sourceError }, { detections, promotions, rollbacks }, resolved] = await Promise.all([
    versionSeries(source, context, metric, { from, to, maxPoints: query.maxPoints }),
    chartEvents(context.id, metric, from, to),
    rule ? resolveFloor(rule.floor, rule.direction, metric, context, source) : null,
  ]);

  const names = new Map(context.versions.map((v) => [v.id, v.version]));
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  const within = (ms: number | null): ms is number => ms !== null && ms >= from && ms <= to;
  const markers: SeriesView["markers"] = [];
  for (const p of promotions) markers.push({ kind: "promotion", at: iso(p.at), label: `${name(p.versionId)} promoted` });
  for (const d of detections) {
    if (within(d.detectedAt)) markers.push({ kind: "detection", at: iso(d.detectedAt), label: `detection on ${name(d.versionId)}` });
  }
  for (const r of rollbacks) {
    const what = r.kind === "REHEARSAL" ? "rehearsal" : "rollback";
    if (within(r.startedAt)) markers.push({ kind: "rollback_started", at: iso(r.startedAt), label: `${what} to ${name(r.toVersionId)} started` });
    if (within(r.completedAt)) markers.push({ kind: "rollback_completed", at: iso(r.completedAt), label: `${what} to ${name(r.toVersionId)} completed` });
  }
  markers.sort((a, b) => a.at.localeCompare(b.at));

  let floor: SeriesView["floor"] = null;
  let floorUnavailable: string | null = null;
  if (resolved) {
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
    direction: rule?.direction ?? null,
    floor,
    floorUnavailable,
    series: series
      .map(({ v, points }) => ({ version: v.version, role: roleOf(context, v.id), points }))
      .filter((s) => s.points.length > 0 || s.role !== "other")
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.version.localeCompare(b.version)),
    breaches: detections.map((d) => ({
      detectionId: d.id,
      version: name(d.versionId),
      from: iso(d.regressionStartedAt),
      to: iso(d.detectedAt),
      floorValue: d.floorValue,
      floorSource: d.floorSource,
    })),
    markers,
    lastVerdict: policyRow?.lastVerdict ?? null,
    lastEvaluatedAt: policyRow?.lastEvaluatedAt == null ? null : new Date(policyRow.lastEvaluatedAt).toISOString(),
    sourceError,
  };
}

const ROLE_ORDER = { live: 0, prior: 1, other: 2 } as const;

type ChartPolicy = PolicyRuleColumns & { lastVerdict: string | null; lastEvaluatedAt: number | null };

/** The deployment's policies, by metric, as the chart needs them. */
async function chartPolicies(deploymentSlug: string): Promise<ChartPolicy[]> {
  const { rows } = await metricsPool().query<ChartPolicy>(
    `SELECT p.metric, p."sourceKind", p."sourceConfig", p.direction, p."floorMode", p."floorValue", p."floorRule", p."windowSeconds",
            p."evaluationIntervalSeconds", p."minSamples", p."sampleIntervalSeconds", p.action, p."degradeLevel", p."consecutiveErrorLimit",
            p."lastVerdict", ${utcEpochMs('p."lastEvaluatedAt"')} AS "lastEvaluatedAt"
       FROM "RollbackPolicy" p JOIN "Deployment" d ON d.id = p."deploymentId"
      WHERE d.slug = $1 ORDER BY p.metric`,
    [deploymentSlug],
  );
  return rows;
}

type ChartEvents = {
  detections: { id: string; versionId: number; regressionStartedAt: number; detectedAt: number; floorValue: number; floorSource: string }[];
  promotions: { versionId: number; at: number }[];
  rollbacks: { toVersionId: number; kind: string; startedAt: number | null; completedAt: number | null }[];
};

/**
 * The metric's detections whose breach overlaps [from, to] (epoch ms), oldest first, and the
 * promotions and rollbacks (started or completed) in it: one statement, times as epoch ms.
 */
async function chartEvents(deploymentId: number, metric: string, from: number, to: number): Promise<ChartEvents> {
  const at = (n: number) => `(to_timestamp($${n}::float8 / 1000.0) AT TIME ZONE 'UTC')`;
  const { rows } = await metricsPool().query<ChartEvents>(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'versionId', "versionId", 'regressionStartedAt', ${utcEpochMs('"regressionStartedAt"')},
                                                   'detectedAt', ${utcEpochMs('"detectedAt"')}, 'floorValue', "floorValue", 'floorSource', "floorSource") ORDER BY "detectedAt"), '[]')
          FROM "Detection" WHERE "deploymentId" = $1 AND metric = $2 AND "regressionStartedAt" <= ${at(4)} AND "detectedAt" >= ${at(3)}) AS detections,
       (SELECT coalesce(json_agg(json_build_object('versionId', "versionId", 'at', ${utcEpochMs('"promotedAt"')})), '[]')
          FROM "Promotion" WHERE "deploymentId" = $1 AND "promotedAt" BETWEEN ${at(3)} AND ${at(4)}) AS promotions,
       (SELECT coalesce(json_agg(json_build_object('toVersionId', "toVersionId", 'kind', kind, 'startedAt', ${utcEpochMs('"startedAt"')}, 'completedAt', ${utcEpochMs('"completedAt"')})), '[]')
          FROM "RollbackOperation" WHERE "deploymentId" = $1 AND ("startedAt" BETWEEN ${at(3)} AND ${at(4)} OR "completedAt" BETWEEN ${at(3)} AND ${at(4)})) AS rollbacks`,
    [deploymentId, metric, from, to],
  );
  return rows[0] ?? { detections: [], promotions: [], rollbacks: [] };
}

function roleOf(context: DeploymentContext, versionId: number): "live" | "prior" | "other" {
  if (context.live?.id === versionId) return "live";
  if (context.prior?.id === versionId) return "prior";
  return "other";
}

/** Every version's points from the source; a source that cannot answer gives none, and says why. */
async function versionSeries(
  source: MetricSource,
  context: DeploymentContext,
  metric: string,
  range: { from: number; to: number; maxPoints: number },
): Promise<{ series: { v: DeploymentContext["versions"][number]; points: SeriesPoint[] }[]; sourceError: string | null }> {
  try {
    const refs = context.versions.map((v) => ({ deploymentId: context.id, deployment: context.slug, metric, versionId: v.id, version: v.version }));
    const samples = source.chartSeriesOfVersions ? await source.chartSeriesOfVersions(refs, range) : await Promise.all(refs.map((ref) => source.chartSeries(ref, range)));
    const series = context.versions.map((v, i) => ({
      v,
      points: samples[i]!.map((p) => ({ ts: new Date(p.ts).toISOString(), value: p.value, sampleCount: p.sampleCount })),
    }));
    return { series, sourceError: null };
  } catch (error) {
    if (!(error instanceof MetricSourceError)) throw error;
    return { series: context.versions.map((v) => ({ v, points: [] })), sourceError: `${error.kind} error: ${error.message}` };
  }
}
