import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { incidentTimestampsOf, incidentTimings } from "@/lib/incidents/timings";
import { durationStatsByPeriod, quantile, rate, rateByPeriod, toCsv } from "./aggregate";

export const analyticsQuery = z.object({
  period: z.enum(["week", "month"], { message: 'period must be "week" or "month"' }).default("week"),
  days: z.coerce.number({ message: "days must be a number" }).int().min(7, "days is 7 to 730").max(730, "days is 7 to 730").default(182),
});
export type AnalyticsQuery = z.infer<typeof analyticsQuery>;

export const CSV_KINDS = ["summary", "incidents", "promotions", "rehearsals", "action-items"] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

const DAY_MS = 86_400_000;

/**
 * The rows behind every chart, for one deployment or all. An incident's times come from its
 * postmortem when there is one (its timestamps may have been corrected by hand), otherwise from
 * the rollback and its detection.
 */
export async function loadAnalytics(options: AnalyticsQuery & { deployment?: string; now?: Date }) {
  const now = options.now ?? new Date();
  const from = new Date(now.getTime() - options.days * DAY_MS);
  const range = { from, to: now };
  let deploymentId: number | undefined;
  if (options.deployment) {
    const found = await db().deployment.findUnique({ where: { slug: options.deployment }, select: { id: true } });
    if (!found) throw notFound(`deployment ${options.deployment}`);
    deploymentId = found.id;
  }
  const byDeployment = deploymentId === undefined ? {} : { deploymentId };

  const [rollbacks, promotions, rehearsals, openItems] = await Promise.all([
    db().rollbackOperation.findMany({
      where: { ...byDeployment, kind: "INCIDENT", status: "COMPLETED", completedAt: { gte: from, lte: now } },
      orderBy: { completedAt: "asc" },
      include: { deployment: { select: { slug: true } }, detection: { select: { regressionStartedAt: true, detectedAt: true } }, postmortem: true },
    }),
    db().promotion.findMany({
      where: { ...byDeployment, promotedAt: { gte: from, lte: now } },
      orderBy: { promotedAt: "asc" },
      include: { deployment: { select: { slug: true } }, version: { select: { version: true } } },
    }),
    db().rehearsal.findMany({
      where: { ...byDeployment, status: { in: ["PASSED", "FAILED"] }, startedAt: { gte: from, lte: now } },
      orderBy: { startedAt: "asc" },
      select: {
        id: true,
        status: true,
        startedAt: true,
        failureReason: true,
        backLegMs: true,
        forwardLegMs: true,
        deployment: { select: { slug: true } },
        operation: { select: { sloRollbackSeconds: true } },
      },
    }),
    db().actionItem.findMany({
      where: { status: { in: ["OPEN", "IN_PROGRESS"] }, ...(deploymentId === undefined ? {} : { postmortem: { deploymentId } }) },
      orderBy: { dueDate: "asc" },
      select: {
        id: true,
        title: true,
        status: true,
        dueDate: true,
        owner: { select: { name: true, email: true } },
        postmortem: { select: { id: true, title: true, deployment: { select: { slug: true } } } },
      },
    }),
  ]);

  const incidents = rollbacks.map((op) => {
    const timestamps = incidentTimestampsOf(op);
    const durations = incidentTimings(timestamps);
    return {
      deployment: op.deployment.slug,
      rollbackId: op.id,
      postmortemId: op.postmortem?.id ?? null,
      detectedAt: timestamps.detectedAt ?? null,
      completedAt: op.completedAt!,
      timeToDetectMs: durations.timeToDetectMs,
      timeToRollbackMs: durations.timeToRollbackMs,
      /** Against the SLO recorded on the rollback when it was requested; null without a target or a time. */
      sloMet: op.sloRollbackSeconds === null || durations.timeToRollbackMs === null ? null : durations.timeToRollbackMs <= op.sloRollbackSeconds * 1000,
    };
  });
  // A rehearsal meets the SLO when it passed with its back leg within the target.
  const rehearsalSlo = rehearsals.flatMap((r) =>
    r.operation?.sloRollbackSeconds == null || (r.status === "PASSED" && r.backLegMs === null)
      ? []
      : [{ at: r.startedAt, hit: r.status === "PASSED" && r.backLegMs !== null && r.backLegMs <= r.operation.sloRollbackSeconds * 1000 }],
  );
  const incidentSlo = incidents.flatMap((i) => (i.sloMet === null ? [] : [{ at: i.completedAt, hit: i.sloMet }]));
  const hits = (events: { hit: boolean }[]) => events.filter((e) => e.hit).length;
  // A promotion failed when an incident rollback later took that same version out.
  const rolledBack = await db().rollbackOperation.findMany({
    where: { ...byDeployment, kind: "INCIDENT", status: "COMPLETED", fromVersionId: { in: promotions.map((p) => p.versionId) } },
    select: { deploymentId: true, fromVersionId: true, requestedAt: true },
  });
  const promotionRows = promotions.map((p) => ({
    deployment: p.deployment.slug,
    version: p.version.version,
    promotedAt: p.promotedAt,
    rolledBack: rolledBack.some((r) => r.deploymentId === p.deploymentId && r.fromVersionId === p.versionId && r.requestedAt >= p.promotedAt),
  }));
  const overdue = openItems.filter((i) => i.dueDate < now);

  const sorted = (values: (number | null)[]) => values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const ttd = sorted(incidents.map((i) => i.timeToDetectMs));
  const ttr = sorted(incidents.map((i) => i.timeToRollbackMs));
  const passed = rehearsals.filter((r) => r.status === "PASSED").length;
  const failedPromotions = promotionRows.filter((p) => p.rolledBack).length;

  return {
    range,
    period: options.period,
    totals: {
      incidents: incidents.length,
      ttd: { count: ttd.length, medianMs: quantile(ttd, 0.5), p90Ms: quantile(ttd, 0.9) },
      ttr: { count: ttr.length, medianMs: quantile(ttr, 0.5), p90Ms: quantile(ttr, 0.9) },
      changeFailure: { numerator: failedPromotions, denominator: promotionRows.length, rate: rate(failedPromotions, promotionRows.length) },
      rehearsalPass: { numerator: passed, denominator: rehearsals.length, rate: rate(passed, rehearsals.length) },
      sloAttainment: { numerator: hits(incidentSlo), denominator: incidentSlo.length, rate: rate(hits(incidentSlo), incidentSlo.length) },
      rehearsalSloAttainment: { numerator: hits(rehearsalSlo), denominator: rehearsalSlo.length, rate: rate(hits(rehearsalSlo), rehearsalSlo.length) },
      overdueActionItems: overdue.length,
      openActionItems: openItems.length,
    },
    series: {
      timeToDetect: durationStatsByPeriod(incidents.flatMap((i) => (i.timeToDetectMs === null ? [] : [{ at: i.completedAt, ms: i.timeToDetectMs }])), options.period, range),
      timeToRollback: durationStatsByPeriod(incidents.flatMap((i) => (i.timeToRollbackMs === null ? [] : [{ at: i.completedAt, ms: i.timeToRollbackMs }])), options.period, range),
      changeFailureRate: rateByPeriod(promotionRows.map((p) => ({ at: p.promotedAt, hit: p.rolledBack })), options.period, range),
      rehearsalPassRate: rateByPeriod(rehearsals.map((r) => ({ at: r.startedAt, hit: r.status === "PASSED" })), options.period, range),
      sloAttainment: rateByPeriod(incidentSlo, options.period, range),
      rehearsalSloAttainment: rateByPeriod(rehearsalSlo, options.period, range),
    },
    rows: { incidents, promotions: promotionRows, rehearsals, overdue },
  };
}

export type Analytics = Awaited<ReturnType<typeof loadAnalytics>>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The rows behind one chart (or the per-period summary of all of them) as CSV. */
export function analyticsCsv(data: Analytics, kind: CsvKind): string {
  switch (kind) {
    case "incidents":
      return toCsv(
        ["deployment", "rollback_id", "postmortem_id", "detected_at", "completed_at", "time_to_detect_ms", "time_to_rollback_ms"],
        data.rows.incidents.map((i) => [i.deployment, i.rollbackId, i.postmortemId, iso(i.detectedAt), iso(i.completedAt), i.timeToDetectMs, i.timeToRollbackMs]),
      );
    case "promotions":
      return toCsv(["deployment", "version", "promoted_at", "rolled_back"], data.rows.promotions.map((p) => [p.deployment, p.version, iso(p.promotedAt), p.rolledBack ? "true" : "false"]));
    case "rehearsals":
      return toCsv(
        ["deployment", "rehearsal_id", "started_at", "status", "back_leg_ms", "forward_leg_ms", "failure_reason"],
        data.rows.rehearsals.map((r) => [r.deployment.slug, r.id, iso(r.startedAt), r.status, r.backLegMs, r.forwardLegMs, r.failureReason]),
      );
    case "action-items":
      return toCsv(
        ["deployment", "postmortem_id", "action_item_id", "title", "owner", "status", "due_date"],
        data.rows.overdue.map((i) => [i.postmortem.deployment.slug, i.postmortem.id, i.id, i.title, i.owner.email, i.status, iso(i.dueDate)]),
      );
    case "summary": {
      const s = data.series;
      return toCsv(
        [
          "period_start",
          "incidents",
          "ttd_median_ms",
          "ttd_p90_ms",
          "ttr_median_ms",
          "ttr_p90_ms",
          "promotions",
          "rolled_back_promotions",
          "change_failure_rate",
          "rehearsals",
          "rehearsals_passed",
          "rehearsal_pass_rate",
        ],
        s.timeToDetect.map((row, index) => {
          const ttr = s.timeToRollback[index]!;
          const cfr = s.changeFailureRate[index]!;
          const pass = s.rehearsalPassRate[index]!;
          return [row.period, ttr.count, row.medianMs, row.p90Ms, ttr.medianMs, ttr.p90Ms, cfr.denominator, cfr.numerator, cfr.rate, pass.denominator, pass.numerator, pass.rate];
        }),
      );
    }
  }
}
