import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { loadDeploymentContext, type DeploymentContext } from "./deployment-context";
import { policyRuleOf } from "./policy-store";
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
  const context = await loadDeploymentContext({ slug: deploymentSlug });
  const policies = await db().rollbackPolicy.findMany({ where: { deploymentId: context.id }, orderBy: { metric: "asc" } });
  const metric = query.metric ?? policies[0]?.metric;
  if (!metric) throw new AppError("VALIDATION", "query.metric: required (this deployment has no rollback policy to take it from)");
  const policyRow = policies.find((p) => p.metric === metric) ?? null;
  const source = metricSourceFor(policyRow ?? { sourceKind: "push", sourceConfig: {} });

  const [{ series, sourceError }, detections, promotions, rollbacks] = await Promise.all([
    versionSeries(source, context, metric, { from, to, maxPoints: query.maxPoints }),
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
    const resolved = await resolveFloor(rule.floor, rule.direction, metric, context, source);
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
    sourceError,
  };
}

const ROLE_ORDER = { live: 0, prior: 1, other: 2 } as const;

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
    const series = await Promise.all(
      context.versions.map(async (v) => {
        const samples = await source.chartSeries({ deploymentId: context.id, deployment: context.slug, metric, versionId: v.id, version: v.version }, range);
        return { v, points: samples.map((p) => ({ ts: new Date(p.ts).toISOString(), value: p.value, sampleCount: p.sampleCount })) };
      }),
    );
    return { series, sourceError: null };
  } catch (error) {
    if (!(error instanceof MetricSourceError)) throw error;
    return { series: context.versions.map((v) => ({ v, points: [] })), sourceError: `${error.kind} error: ${error.message}` };
  }
}
